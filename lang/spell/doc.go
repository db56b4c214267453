// Package spell suggests the name a person probably meant when they wrote
// one that does not exist: "actual_hour" for "actual_hours".
package spell

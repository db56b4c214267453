// Package words writes the small pieces of English that messages are made
// of: lists joined with "and" or "or", counts with plurals, articles.
package words

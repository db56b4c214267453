package main

// The limits on reading data files (--max-field-bytes, --max-row-bytes,
// --max-file-bytes), and what a data file argument names: NAME=FILE, and
// FILE#SHEET for a sheet of a workbook.

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/occ-lang/occ/lang"
	"github.com/occ-lang/occ/runtime/data"
)

// addDataLimitFlags adds the flags that bound reading data files.
func addDataLimitFlags(f *pflag.FlagSet, lim *data.Limits) {
	*lim = data.Limits{FieldBytes: data.DefaultFieldBytes, RowBytes: data.DefaultRowBytes, FileBytes: data.DefaultFileBytes}
	f.Var(byteSize{&lim.FieldBytes}, "max-field-bytes", "the most one cell or value of a data file may hold, as 64KiB, 1MiB or a number of bytes")
	f.Var(byteSize{&lim.RowBytes}, "max-row-bytes", "the most one row of a CSV file or worksheet, or one line of JSON Lines, may hold")
	f.Var(byteSize{&lim.FileBytes}, "max-file-bytes", "the most one data file may hold (YAML and XLSX files are read whole)")
}

// limitFlags names the flag that raises the limit a data diagnostic
// reports, by its code.
var limitFlags = map[string]string{
	"value-too-large": "--max-field-bytes",
	"row-too-large":   "--max-row-bytes",
	"file-too-large":  "--max-file-bytes",
}

// hintLimits adds to each diagnostic of a data limit the flag that raises
// it.
func hintLimits(ds lang.Diagnostics) {
	for i := range ds {
		if flag, ok := limitFlags[ds[i].Code]; ok && ds[i].Detail == "" {
			ds[i].Detail = "if the data is right, raise the limit with " + flag
		}
	}
}

// byteSize is a flag holding a number of bytes, written as a number or
// with a unit: B, KiB, MiB or GiB (K, M and G mean the same).
type byteSize struct{ n *int64 }

var sizeUnits = []struct {
	suffix string
	shift  uint
}{{"kib", 10}, {"mib", 20}, {"gib", 30}, {"k", 10}, {"m", 20}, {"g", 30}, {"b", 0}}

func (b byteSize) Set(s string) error {
	t := strings.ToLower(strings.TrimSpace(s))
	shift := uint(0)
	for _, u := range sizeUnits {
		if strings.HasSuffix(t, u.suffix) {
			t, shift = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || n > (1<<60)>>shift {
		return fmt.Errorf("write a size such as 64KiB, 1MiB, 2GiB or a number of bytes")
	}
	*b.n = n << shift
	return nil
}

func (b byteSize) String() string {
	if b.n == nil {
		return ""
	}
	n := *b.n
	for _, u := range []struct {
		name  string
		shift uint
	}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

func (byteSize) Type() string { return "size" }

// splitSheet splits FILE#SHEET, naming a sheet of a workbook, into the
// file and the sheet: at the first "#" after which the rest names a
// sheet, and before which is a file, when the whole is not a file.
func splitSheet(path string) (file, sheet string) {
	if !strings.Contains(path, "#") {
		return path, ""
	}
	if _, err := os.Stat(path); err == nil {
		return path, ""
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '#' || i == 0 || i == len(path)-1 {
			continue
		}
		if st, err := os.Stat(path[:i]); err == nil && !st.IsDir() {
			return path[:i], path[i+1:]
		}
	}
	return path, ""
}

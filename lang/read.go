package lang

import (
	"fmt"
	"os"
)

// MaxFileSize bounds the contract files ReadFile reads: 64 MB.
const MaxFileSize = 64 << 20

// ReadFile reads a contract file, refusing one over MaxFileSize. Errors
// name the file and say what is wrong in plain words.
func ReadFile(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", name, err)
	}
	if info.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s is %d MB; contract files are at most %d MB", name, info.Size()>>20, MaxFileSize>>20)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", name, err)
	}
	return b, nil
}

package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The byte-order marks a text file may start with.
var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// binaryMagics start files that are surely not text (zip and OLE files are
// told apart before).
var binaryMagics = [][]byte{
	[]byte("%PDF-"), []byte("\x89PNG"), {0xFF, 0xD8, 0xFF}, []byte("GIF8"), []byte("PK\x05\x06"), []byte("PK\x07\x08"),
	[]byte("\x1F\x8B"), []byte("Rar!"), []byte("7z\xBC\xAF"), []byte("{\\rtf"),
}

// errBadText is text that is neither UTF-8 nor UTF-16.
var errBadText = errors.New("not UTF-8 or UTF-16 text")

// textEncoding is how a text file is encoded.
type textEncoding struct {
	skip      int64 // the BOM's length
	bigEndian bool
	utf16     bool
}

// sniffText tells a text file's encoding from its BOM.
func sniffText(head []byte) (textEncoding, error) {
	for _, m := range binaryMagics {
		if bytes.HasPrefix(head, m) {
			return textEncoding{}, fileError(CodeNotSpreadsheet, "binary file")
		}
	}
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return textEncoding{skip: 3}, nil
	case bytes.HasPrefix(head, bomUTF16LE):
		return textEncoding{skip: 2, utf16: true}, nil
	case bytes.HasPrefix(head, bomUTF16BE):
		return textEncoding{skip: 2, utf16: true, bigEndian: true}, nil
	}
	return textEncoding{}, nil
}

// decode returns the file's text as UTF-8, without its BOM. UTF-8 is
// checked by the reader of the text (validUTF8), UTF-16 here.
func (e textEncoding) decode(r io.ReaderAt, size int64) io.Reader {
	raw := bufio.NewReaderSize(io.NewSectionReader(r, e.skip, size-e.skip), 64<<10)
	if !e.utf16 {
		return raw
	}
	return &utf16Reader{src: raw, bigEndian: e.bigEndian}
}

// utf16Reader decodes UTF-16 to UTF-8; an odd byte or a lone surrogate is
// errBadText.
type utf16Reader struct {
	src       *bufio.Reader
	bigEndian bool
	out       []byte // decoded, not yet read
	err       error
}

func (u *utf16Reader) unit() (uint16, error) {
	a, err := u.src.ReadByte()
	if err != nil {
		return 0, err
	}
	b, err := u.src.ReadByte()
	if err == io.EOF {
		return 0, errBadText
	}
	if err != nil {
		return 0, err
	}
	if u.bigEndian {
		return uint16(a)<<8 | uint16(b), nil
	}
	return uint16(b)<<8 | uint16(a), nil
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) < len(p) && u.err == nil {
		c, err := u.unit()
		if err != nil {
			u.err = err
			break
		}
		r := rune(c)
		if utf16.IsSurrogate(r) {
			c2, err := u.unit()
			if err == io.EOF {
				err = errBadText
			}
			if err != nil {
				u.err = err
				break
			}
			if r = utf16.DecodeRune(r, rune(c2)); r == utf8.RuneError {
				u.err = errBadText
				break
			}
		}
		u.out = utf8.AppendRune(u.out, r)
	}
	n := copy(p, u.out)
	u.out = u.out[:copy(u.out, u.out[n:])]
	if n > 0 {
		return n, nil
	}
	return 0, u.err
}

// validText reports whether a cell is text a person wrote: valid UTF-8
// without NUL bytes (which only binary files hold).
func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

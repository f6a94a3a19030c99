// Command gendict writes zhseg's dictionary (dict_zh_s.bin.gz) from gse's
// embedded simplified-Chinese dictionary: the words and frequencies gse
// reads, in its order. It runs under go generate in internal/zhseg, after
// gse is upgraded; zhseg's TestTheDictionaryIsGses fails until it has.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/go-ego/gse"

	"github.com/yinling-cms/yinling/internal/zhseg"
)

func main() {
	out := flag.String("o", "dict_zh_s.bin.gz", "file to write")
	flag.Parse()
	if err := write(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gendict:", err)
		os.Exit(1)
	}
}

func write(path string) error {
	words, err := FromGse("zh_s")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := zhseg.WriteWords(&b, words); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// FromGse is the words of gse's embedded dictionary dict, as gse reads
// them.
func FromGse(dict string) ([]zhseg.Word, error) {
	g, err := gse.NewEmbed(dict)
	if err != nil {
		return nil, fmt.Errorf("load gse's dictionary %q: %w", dict, err)
	}
	tokens := g.Dict.Tokens
	words := make([]zhseg.Word, len(tokens))
	for i := range tokens {
		words[i] = zhseg.Word{Text: tokens[i].Text(), Freq: tokens[i].Freq()}
	}
	return words, nil
}

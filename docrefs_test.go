package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// mispAPIDoc is the project's reference of MISP's behaviour; code and Markdown cite its sections as "§x.y".
const mispAPIDoc = "docs/development/misp-api.md"

var (
	// docHeadingRe matches a section heading of the document, e.g. "#### §1.1.3 Creating a user".
	docHeadingRe = regexp.MustCompile(`(?m)^#{1,6} §(\d+(?:\.\d+)*)\s`)
	// docRefRe matches a citation, e.g. "§3.1.4" (a range "§0–§5" is two citations).
	docRefRe = regexp.MustCompile(`§(\d+(?:\.\d+)*)`)
	// externalRefRe matches the text just before a citation of another document's section ("RFC 4880 §6.1").
	externalRefRe = regexp.MustCompile(`RFC ?\d+,? ?$`)
	// docNameRe finds every mention of the document's file name, which must come with its path.
	docNameRe = regexp.MustCompile(`[\w./-]*misp-api\.md`)
)

// TestDocReferencesResolve keeps the references to docs/development/misp-api.md from rotting: every section a
// .go or .md file of the repository cites must be a heading of the document, and the document must be named by
// its path in the repository (not by a bare file name or a path outside the repository).
func TestDocReferencesResolve(t *testing.T) {
	doc, err := os.ReadFile(filepath.FromSlash(mispAPIDoc))
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string]bool{}
	for _, m := range docHeadingRe.FindAllStringSubmatch(string(doc), -1) {
		if sections[m[1]] {
			t.Errorf("%s: section §%s has two headings", mispAPIDoc, m[1])
		}
		sections[m[1]] = true
	}
	if len(sections) == 0 {
		t.Fatalf("%s: no section headings found", mispAPIDoc)
	}

	refs := 0
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(name, ".") || name == "bin" || name == "dist" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, ".md") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range docRefRe.FindAllStringSubmatchIndex(line, -1) {
				if externalRefRe.MatchString(line[:m[0]]) {
					continue
				}
				refs++
				if id := line[m[2]:m[3]]; !sections[id] {
					t.Errorf("%s:%d: §%s is not a section of %s", filepath.ToSlash(path), i+1, id, mispAPIDoc)
				}
			}
			for _, name := range docNameRe.FindAllString(line, -1) {
				if name != mispAPIDoc {
					t.Errorf("%s:%d: %q: name the document %s", filepath.ToSlash(path), i+1, name, mispAPIDoc)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if refs == 0 {
		t.Fatal("no section references found: the scan is broken")
	}
}

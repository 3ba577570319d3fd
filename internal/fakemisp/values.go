package fakemisp

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// This file holds the PHP and MySQL value semantics MISP's behaviour depends on: PHP's empty()/isset()/is_numeric(),
// string conversion, and how CakePHP's MySQL datasource stores a request value into a typed column.

// errDB marks a value MySQL (strict mode) would refuse; MISP then answers 500 "An Internal Error Has Occurred.".
var errDB = errors.New("database error")

// phpEmpty reports PHP empty($v) for a decoded JSON value.
func phpEmpty(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case bool:
		return !t
	case string:
		return t == "" || t == "0"
	case json.Number:
		f, err := t.Float64()
		return err == nil && f == 0
	case int:
		return t == 0
	case int64:
		return t == 0
	case float64:
		return t == 0
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	case []string:
		return len(t) == 0
	}
	return false
}

// phpIsset reports PHP isset($m[$k]): present and not null.
func phpIsset(m map[string]any, k string) bool {
	v, ok := m[k]
	return ok && v != nil
}

// phpIsNumeric reports PHP 8 is_numeric($v).
func phpIsNumeric(v any) bool {
	switch t := v.(type) {
	case json.Number, int, int64, float64:
		return true
	case string:
		return isNumericString(t)
	}
	return false
}

// isNumericString follows PHP 8: optional surrounding whitespace, sign, digits, decimal point, exponent.
func isNumericString(s string) bool {
	s = strings.TrimLeft(s, " \t\n\r\v\f")
	s = strings.TrimRight(s, " \t\n\r\v\f")
	if s == "" {
		return false
	}
	if s[0] == '+' || s[0] == '-' {
		s = s[1:]
	}
	digits, dot, exp := 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && !exp:
			dot = true
		case (c == 'e' || c == 'E') && !exp && digits > 0:
			exp = true
			if i+1 < len(s) && (s[i+1] == '+' || s[i+1] == '-') {
				i++
			}
			if i+1 >= len(s) {
				return false
			}
		default:
			return false
		}
	}
	return digits > 0
}

// phpString converts a scalar the way PHP's string cast does. ok is false for arrays and objects.
func phpString(v any) (string, bool) {
	switch t := v.(type) {
	case nil:
		return "", true
	case string:
		return t, true
	case bool:
		if t {
			return "1", true
		}
		return "", true
	case json.Number:
		return t.String(), true
	case int:
		return strconv.Itoa(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64), true
	}
	return "", false
}

// leadingInt is MySQL's and PHP's lenient string-to-integer conversion: "12abc" is 12, "abc" is 0.
func leadingInt(s string) int64 {
	s = strings.TrimSpace(s)
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	n, err := strconv.ParseInt(s[:end], 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// looseEqualInt reports PHP's loose comparison ($a == $b) between a request value and an integer id.
func looseEqualInt(v any, n int64) bool {
	switch t := v.(type) {
	case json.Number:
		f, err := t.Float64()
		return err == nil && f == float64(n)
	case string:
		if isNumericString(t) {
			f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
			return err == nil && f == float64(n)
		}
		return false
	case bool:
		return t == (n != 0)
	case nil:
		return n == 0
	case int64:
		return t == n
	case int:
		return int64(t) == n
	}
	return false
}

// colKind is the MySQL column family, which decides both storage and the JSON type MISP returns
// (docs/development/misp-api.md §0.5).
type colKind int

const (
	kInt      colKind = iota // int/bigint: rendered as a string of digits
	kBool                    // tinyint(1): rendered as a JSON boolean
	kString                  // varchar/text: rendered as a string
	kDatetime                // datetime: rendered as "YYYY-MM-DD HH:MM:SS"
)

// column describes one table column.
type column struct {
	name     string
	kind     colKind
	nullable bool
	def      any // DB default for a row inserted without this column
}

const datetimeLayout = "2006-01-02 15:04:05"

// store converts a request value into what MySQL would store for this column, following CakePHP's
// DboSource::value (null → NULL, "" → NULL for numeric columns, booleans by PHP truthiness) and MySQL strict mode.
func (c column) store(v any) (any, error) {
	if v == nil {
		if c.nullable {
			return nil, nil
		}
		return nil, errDB
	}
	if m, ok := v.(map[string]any); ok && len(m) == 0 {
		v = nil
	}
	if a, ok := v.([]any); ok && len(a) == 0 {
		v = nil
	}
	if v == nil {
		if c.nullable {
			return nil, nil
		}
		return nil, errDB
	}
	switch c.kind {
	case kBool:
		return !phpEmpty(v), nil
	case kInt:
		switch t := v.(type) {
		case bool:
			if t {
				return int64(1), nil
			}
			return int64(0), nil
		case json.Number:
			return numberToInt(t.String())
		case int:
			return int64(t), nil
		case int64:
			return t, nil
		case float64:
			return int64(math.Round(t)), nil
		case string:
			if t == "" {
				if c.nullable {
					return nil, nil
				}
				return nil, errDB
			}
			if !isNumericString(t) {
				return nil, errDB
			}
			return numberToInt(strings.TrimSpace(t))
		}
		return nil, errDB
	case kDatetime:
		s, ok := phpString(v)
		if !ok {
			return nil, errDB
		}
		if s == "" {
			if c.nullable {
				return nil, nil
			}
			return nil, errDB
		}
		for _, layout := range []string{datetimeLayout, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format(datetimeLayout), nil
			}
		}
		return nil, errDB
	default:
		s, ok := phpString(v)
		if !ok {
			return nil, errDB
		}
		return s, nil
	}
}

func numberToInt(s string) (any, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 9e18 {
		return nil, errDB
	}
	return int64(math.Round(f)), nil
}

// render converts a stored value into the JSON value MISP returns for this column.
func (c column) render(v any) any {
	if v == nil {
		return nil
	}
	switch c.kind {
	case kInt:
		switch t := v.(type) {
		case int64:
			return strconv.FormatInt(t, 10)
		case int:
			return strconv.Itoa(t)
		}
	case kBool:
		if b, ok := v.(bool); ok {
			return b
		}
	}
	return v
}

// table is an ordered column list with a lookup index.
type table struct {
	cols  []column
	index map[string]int
}

func newTable(cols []column) *table {
	t := &table{cols: cols, index: make(map[string]int, len(cols))}
	for i, c := range cols {
		t.index[c.name] = i
	}
	return t
}

func (t *table) col(name string) (column, bool) {
	i, ok := t.index[name]
	if !ok {
		return column{}, false
	}
	return t.cols[i], true
}

// newRow returns a row holding every column's DB default.
func (t *table) newRow() row {
	r := make(row, len(t.cols))
	for _, c := range t.cols {
		r[c.name] = c.def
	}
	return r
}

// row is one stored record: column name → stored value (int64, bool, string or nil).
type row map[string]any

func (r row) clone() row {
	c := make(row, len(r))
	for k, v := range r {
		c[k] = v
	}
	return c
}

func (r row) int(name string) int64 {
	switch t := r[name].(type) {
	case int64:
		return t
	case int:
		return int64(t)
	}
	return 0
}

func (r row) bool(name string) bool {
	b, _ := r[name].(bool)
	return b
}

func (r row) str(name string) string {
	s, _ := r[name].(string)
	return s
}

func (r row) id() int64 { return r.int("id") }

// mysqlNumber converts a value the way MySQL does when comparing it with an integer column: the longest numeric
// prefix of a string ("3abc" is 3, "abc" is 0). ok is false for NULL, which matches nothing.
func mysqlNumber(v any) (float64, bool) {
	switch t := v.(type) {
	case nil:
		return 0, false
	case bool:
		if t {
			return 1, true
		}
		return 0, true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	case int64:
		return float64(t), true
	case int:
		return float64(t), true
	case float64:
		return t, true
	case string:
		return numericPrefix(t), true
	}
	return 0, false
}

func numericPrefix(s string) float64 {
	s = strings.TrimLeft(s, " \t\n\r")
	end, digits, dot, exp := 0, 0, false, false
	if end < len(s) && (s[end] == '+' || s[end] == '-') {
		end++
	}
	best := 0
	for end < len(s) {
		c := s[end]
		switch {
		case c >= '0' && c <= '9':
			digits++
			end++
			best = end
			continue
		case c == '.' && !dot && !exp:
			dot = true
			end++
			continue
		case (c == 'e' || c == 'E') && !exp && digits > 0:
			exp = true
			end++
			if end < len(s) && (s[end] == '+' || s[end] == '-') {
				end++
			}
			continue
		}
		break
	}
	if best == 0 {
		return 0
	}
	f, err := strconv.ParseFloat(s[:best], 64)
	if err != nil {
		return 0
	}
	return f
}

// matchesID reports whether a request value selects the row with this integer id in a MySQL "id = value" query.
func matchesID(v any, id int64) bool {
	f, ok := mysqlNumber(v)
	return ok && f == float64(id)
}

// likeMatch is MySQL's LIKE with % and _ wildcards and \ as escape; fold makes it case-insensitive.
func likeMatch(s, pattern string, fold bool) bool {
	if fold {
		s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	}
	return likeRunes([]rune(s), []rune(pattern))
}

func likeRunes(s, p []rune) bool {
	for len(p) > 0 {
		switch p[0] {
		case '%':
			for len(p) > 0 && p[0] == '%' {
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if likeRunes(s[i:], p) {
					return true
				}
			}
			return false
		case '_':
			if len(s) == 0 {
				return false
			}
			s, p = s[1:], p[1:]
		default:
			c := p[0]
			if c == '\\' && len(p) > 1 {
				c = p[1]
				p = p[1:]
			}
			if len(s) == 0 || s[0] != c {
				return false
			}
			s, p = s[1:], p[1:]
		}
	}
	return len(s) == 0
}

// binEqual compares like a utf8mb3_bin PAD SPACE column: case-sensitive, trailing spaces ignored.
func binEqual(a, b string) bool {
	return strings.TrimRight(a, " ") == strings.TrimRight(b, " ")
}

// ciEqual compares like a utf8mb3_unicode_ci column (approximated by Unicode case folding, trailing spaces ignored).
func ciEqual(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, " "), strings.TrimRight(b, " "))
}

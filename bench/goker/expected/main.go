// Command expected lists the goroutine leaks Go's own leak-profile test expects, with the source
// span of the function each one names, as JSON on stdout: the answer key bench/goker/run.py
// scores leakls against.
//
// It reads $(go env GOROOT)/src/runtime/goroutineleakprofile_test.go (the makeTest and
// makeFlakyTest calls in each test list, and the regular expression of every leak) and the test
// program under runtime/testdata/testgoroutineleakprofile, where it names every function and
// function literal the way the compiler does (F.func1, F.func1.2, (*T).M.func1).
//
//	go run ./bench/goker/expected [GOROOT]
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Leak is one expected leak.
type Leak struct {
	Group      string `json:"group"` // microTests, patternTestCases, gokerTestCases, ...
	Test       string `json:"test"`
	Regexp     string `json:"regexp"`
	Func       string `json:"func"`
	WaitReason string `json:"wait_reason"`
	Flaky      bool   `json:"flaky"`
	File       string `json:"file,omitempty"` // relative to the test program's folder
	Start      int    `json:"start,omitempty"`
	End        int    `json:"end,omitempty"`
	// Lines of function literals inside Func: a finding there is another goroutine's.
	Inner [][2]int `json:"inner,omitempty"`
	// The functions of the program Func calls by name: the goroutine's stack holds them above
	// Func's frame, so the operation that blocks may be in one of them (nCastLeak's receive,
	// called from NCastLeak.func2).
	Callees []Callee `json:"callees,omitempty"`
}

// Callee is one function a leaking function calls by name, directly or through others.
type Callee struct {
	Func  string   `json:"func"`
	File  string   `json:"file"`
	Start int      `json:"start"`
	End   int      `json:"end"`
	Inner [][2]int `json:"inner,omitempty"`
	// How many calls below the leaking function: 1 for a function it calls itself.
	Depth int `json:"depth"`
}

type span struct {
	file       string
	start, end int
	inner      [][2]int
	calls      []string // the names it calls, outside its literals
}

func main() {
	goroot := os.Getenv("GOROOT")
	if len(os.Args) > 1 {
		goroot = os.Args[1]
	}
	if goroot == "" {
		fmt.Fprintln(os.Stderr, "expected: give GOROOT")
		os.Exit(2)
	}
	runtime := filepath.Join(goroot, "src", "runtime")
	leaks, err := expectedLeaks(filepath.Join(runtime, "goroutineleakprofile_test.go"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "expected:", err)
		os.Exit(1)
	}
	prog := filepath.Join(runtime, "testdata", "testgoroutineleakprofile")
	spans, err := functionSpans(prog)
	if err != nil {
		fmt.Fprintln(os.Stderr, "expected:", err)
		os.Exit(1)
	}
	for i := range leaks {
		if s, ok := spans[leaks[i].Func]; ok {
			leaks[i].File, leaks[i].Start, leaks[i].End, leaks[i].Inner = s.file, s.start, s.end, s.inner
			leaks[i].Callees = callees(leaks[i].Func, spans)
		}
	}
	out := json.NewEncoder(os.Stdout)
	out.SetIndent("", " ")
	if err := out.Encode(leaks); err != nil {
		os.Exit(1)
	}
}

// maxCallDepth bounds how far below the leaking function a callee may be.
const maxCallDepth = 3

// callees lists the functions fn calls by name, and those they call, up to maxCallDepth calls
// down, each once, nearest first: every one is a frame above fn's on the leaking goroutine's
// stack when the operation that blocks is in it.
func callees(fn string, spans map[string]span) []Callee {
	var found []Callee
	seen := map[string]bool{fn: true}
	level := []string{fn}
	for depth := 1; depth <= maxCallDepth && len(level) > 0; depth++ {
		var next []string
		for _, caller := range level {
			s := spans[caller]
			for _, call := range s.calls {
				name, ok := resolve(call, s.file, spans)
				if !ok || seen[name] {
					continue
				}
				seen[name] = true
				c := spans[name]
				found = append(found, Callee{name, c.file, c.start, c.end, c.inner, depth})
				next = append(next, name)
			}
		}
		level = next
	}
	return found
}

// resolve names the function a call reaches: a plain name is the program's function of that
// name; `.M` is the method M (with a receiver) of the caller's file when that file declares exactly one.
func resolve(call, file string, spans map[string]span) (string, bool) {
	if !strings.HasPrefix(call, ".") {
		_, ok := spans[call]
		return call, ok
	}
	var found []string
	for name, s := range spans {
		if s.file == file && strings.HasSuffix(name, ")"+call) {
			found = append(found, name)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

var leakRE = regexp.MustCompile(`^(.*?)(?:\\\(\.\*|\.\*) \\\[(.*)\\\]$`)

// expectedLeaks reads every makeTest/makeFlakyTest(name, leak...) call and the test list it is in.
func expectedLeaks(path string) ([]Leak, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		return nil, err
	}
	var leaks []Leak
	ast.Inspect(f, func(n ast.Node) bool {
		assign, ok := n.(*ast.AssignStmt)
		if !ok || len(assign.Lhs) != 1 || len(assign.Rhs) != 1 {
			return true
		}
		group, ok := assign.Lhs[0].(*ast.Ident)
		lit, ok2 := assign.Rhs[0].(*ast.CompositeLit)
		if !ok || !ok2 {
			return true
		}
		for _, elt := range lit.Elts {
			call, ok := elt.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				continue
			}
			fn, ok := call.Fun.(*ast.Ident)
			if !ok || (fn.Name != "makeTest" && fn.Name != "makeFlakyTest") {
				continue
			}
			test, err := strconv.Unquote(call.Args[0].(*ast.BasicLit).Value)
			if err != nil {
				continue
			}
			for _, arg := range call.Args[1:] {
				b, ok := arg.(*ast.BasicLit)
				if !ok {
					continue
				}
				re, err := strconv.Unquote(b.Value)
				if err != nil {
					continue
				}
				leak := Leak{Group: group.Name, Test: test, Regexp: re, Flaky: fn.Name == "makeFlakyTest"}
				if m := leakRE.FindStringSubmatch(re); m != nil {
					leak.Func, leak.WaitReason = unescape(m[1]), unescape(m[2])
				}
				leaks = append(leaks, leak)
			}
		}
		return true
	})
	return leaks, nil
}

func unescape(s string) string {
	return strings.NewReplacer(`\.`, ".", `\(`, "(", `\)`, ")", `\*`, "*", `\[`, "[", `\]`, "]").Replace(s)
}

// functionSpans names every function, method and function literal of the program.
func functionSpans(dir string) (map[string]span, error) {
	spans := map[string]span{}
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			name := fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				switch t := fd.Recv.List[0].Type.(type) {
				case *ast.StarExpr:
					name = fmt.Sprintf("(*%s).%s", typeName(t.X), name)
				default:
					name = fmt.Sprintf("%s.%s", typeName(t), name)
				}
			}
			record(fset, rel, name, fd, fd.Body, spans)
		}
		return nil
	})
	return spans, err
}

func typeName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return typeName(t.X) + "[...]"
	}
	return "?"
}

// record names the function `name` (node n, body) and, in source order, its literals:
// name.func1, name.func2 for the outermost function, name.1, name.2 inside a literal.
func record(fset *token.FileSet, file, name string, n ast.Node, body *ast.BlockStmt, spans map[string]span) {
	var inner [][2]int
	var calls []string
	count := 0
	// A literal bound to a variable (`f := func() {...}`) and called by that name is a frame
	// of this goroutine too: `f()` calls it.
	boundTo := map[*ast.FuncLit]string{}
	literalOf := map[string]string{}
	ast.Inspect(body, func(c ast.Node) bool {
		if a, ok := c.(*ast.AssignStmt); ok && len(a.Lhs) == 1 && len(a.Rhs) == 1 {
			id, isIdent := a.Lhs[0].(*ast.Ident)
			lit, isLit := a.Rhs[0].(*ast.FuncLit)
			if isIdent && isLit {
				boundTo[lit] = id.Name
			}
		}
		if call, ok := c.(*ast.CallExpr); ok {
			switch fun := call.Fun.(type) {
			case *ast.Ident:
				calls = append(calls, fun.Name)
			case *ast.SelectorExpr:
				calls = append(calls, "."+fun.Sel.Name) // a method: resolved by name in its file
			}
		}
		lit, ok := c.(*ast.FuncLit)
		if !ok {
			return true
		}
		count++
		child := fmt.Sprintf("%s.%d", name, count)
		if !strings.Contains(name[strings.LastIndex(name, ")")+1:], ".func") {
			child = fmt.Sprintf("%s.func%d", name, count)
		}
		if v, ok := boundTo[lit]; ok {
			literalOf[v] = child
		}
		record(fset, file, child, lit, lit.Body, spans)
		inner = append(inner, [2]int{fset.Position(lit.Pos()).Line, fset.Position(lit.End()).Line})
		return false // its own literals are numbered under it
	})
	for i, call := range calls {
		if lit, ok := literalOf[call]; ok {
			calls[i] = lit
		}
	}
	sort.Slice(inner, func(i, j int) bool { return inner[i][0] < inner[j][0] })
	spans[name] = span{file, fset.Position(n.Pos()).Line, fset.Position(n.End()).Line, inner, calls}
}

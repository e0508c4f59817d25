"""Checks editors/helix/languages.toml: it parses, defines [language-server.leakls] with the
`leakls` command, and lists leakls for Go next to gopls (Helix replaces the whole list).

usage: python3 editors/helix/test/check_languages.py [path/to/languages.toml]
Helix itself cannot be installed from this machine's registries; users run `hx --health go`.
"""

import pathlib
import sys
import tomllib

DEFAULT = pathlib.Path(__file__).resolve().parent.parent / "languages.toml"


def problems(config: dict) -> list[str]:
    found = []
    server = config.get("language-server", {}).get("leakls")
    if not isinstance(server, dict):
        found.append("no [language-server.leakls] table")
    elif server.get("command") != "leakls":
        found.append(f"[language-server.leakls] command is {server.get('command')!r}, not 'leakls'")
    elif "args" in server and not isinstance(server["args"], list):
        found.append("[language-server.leakls] args is not a list")

    go = [lang for lang in config.get("language", []) if lang.get("name") == "go"]
    if len(go) != 1:
        found.append(f"expected one [[language]] with name = 'go', found {len(go)}")
        return found
    servers = [s if isinstance(s, str) else s.get("name") for s in go[0].get("language-servers", [])]
    for name in ("gopls", "leakls"):
        if name not in servers:
            found.append(f"Go's language-servers {servers} does not name {name!r}")
    for key in ("scope", "file-types", "roots"):
        if key in go[0]:
            found.append(f"the go [[language]] overrides {key!r}: leave Helix's own value")
    return found


def main() -> int:
    path = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        print(f"helix-test: FAIL: {path}: {e}", file=sys.stderr)
        return 1
    found = problems(config)
    for problem in found:
        print(f"helix-test: FAIL: {path}: {problem}", file=sys.stderr)
    if found:
        return 1
    print(f"helix-test: {path.name} parses; Go uses gopls and leakls")
    return 0


if __name__ == "__main__":
    sys.exit(main())

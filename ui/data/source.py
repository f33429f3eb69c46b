"""The engine's own source, cut down to what a standalone script needs.

    bundle = Bundle()
    bundle.add(Adam, ("__init__", "step"))   # the class and its bases, those methods and
    bundle.add(datasets._circle)             # what they reach; functions as written
    text = bundle.text()                     # imports first, then definitions in order

A definition is read with `inspect` (so it cannot drift from the engine) and every global
name it uses is followed: a NumPy or standard-library module or object becomes an import
line, an engine function or class is added in turn, a constant is copied from the
assignment that defines it. Classes keep their docstring and only the members reachable
from the roots given (a method's `self.x`, `cls.x` or `Name.x` reaches member `x`); a
member a subclass overrides is dropped from the base unless the subclass calls it through
`super()`. Decorators other than built-ins and standard-library ones (registrations) go.

The script needs the numbers, not what the app's pages show, so two things are written
plainly: a default argument that reads an engine object (a setting's `Hyper` row:
`eps=EPS.default`) becomes its value (`eps=1e-08`), and a method's statement that only sets
the attributes the pages read (`UI_ONLY`, e.g. SGD's `self.title, self.formula = ...`) goes,
with a local value only it used.
"""
import ast
import builtins
import inspect
import sys
import textwrap
from functools import lru_cache

_KEEP_DECORATORS = {"staticmethod", "classmethod", "property"}
UI_ONLY = {"title", "formula", "worked", "SETTINGS", "SYMBOLS", "SHOWN", "SCALARS"}


def _is_outside(module_name):
    """True for NumPy and the standard library: imported by the script, not copied."""
    root = module_name.split(".")[0]
    return root == "numpy" or root in sys.stdlib_module_names


@lru_cache(maxsize=None)
def _module_tree(module_name):
    module = sys.modules[module_name]
    source = inspect.getsource(module)
    return source, ast.parse(source)


def _parse(obj):
    """(source lines, node) of a function, class or lambda, dedented and made plain."""
    text = textwrap.dedent(inspect.getsource(obj))
    node = ast.parse(text).body[0]
    if isinstance(node, ast.Expr):  # a lambda inside a call, e.g. Feature("x1", ..., lambda X: ...)
        return text.splitlines(), next(n for n in ast.walk(node) if isinstance(n, ast.Lambda))
    text = _plain(text, node, vars(sys.modules[obj.__module__]))
    return text.splitlines(), ast.parse(text).body[0]


def _plain(text, node, namespace):
    """`text` (the source of `node`) with the edits the module docstring describes."""
    edits = []   # ((line, col), (end line, end col), replacement); lines from 1, cols bytes
    functions = [node] if isinstance(node, ast.FunctionDef) else [
        stmt for stmt in node.body if isinstance(stmt, ast.FunctionDef)]
    for fn in functions:
        for expr in (*fn.args.defaults, *fn.args.kw_defaults):
            if expr is not None and _reads_engine_object(expr, namespace):
                value = eval(compile(ast.Expression(expr), "<default>", "eval"), namespace)
                edits.append(((expr.lineno, expr.col_offset),
                              (expr.end_lineno, expr.end_col_offset), repr(value)))
        edits += [((stmt.lineno, 0), (stmt.end_lineno + 1, 0), "") for stmt in _ui_only(fn)]
    lines = [line.encode() for line in text.splitlines(keepends=True)] + [b""]
    for (a, ca), (b, cb), new in sorted(edits, reverse=True):
        lines[a - 1:b] = [lines[a - 1][:ca] + new.encode() + lines[b - 1][cb:]]
    return b"".join(lines).decode()


def _reads_engine_object(expr, namespace):
    """True when expression `expr` reads a global that is an instance of an engine class."""
    kinds = [type(namespace[name]).__module__ for name in _loads(expr) if name in namespace]
    return any(kind != "builtins" and not _is_outside(kind) for kind in kinds)


def _ui_only(fn):
    """Statements of `fn`'s body that set only `self.<UI_ONLY or name>` attributes, and
    then the local assignments nothing else in the body reads."""
    def targets(stmt):
        return stmt.targets if isinstance(stmt, ast.Assign) else []

    def sets_ui(stmt):
        ends = [t for target in targets(stmt) for t in getattr(target, "elts", [target])]
        if not all(isinstance(t, ast.Attribute) and getattr(t.value, "id", "") == "self"
                   for t in ends):
            return False
        names = {t.attr for t in ends}
        return bool(names & UI_ONLY) and names <= UI_ONLY | {"name"}

    dropped = [stmt for stmt in fn.body if sets_ui(stmt)]
    while dropped:
        kept = [stmt for stmt in fn.body if stmt not in dropped]
        read = set().union(*(_loads(stmt) for stmt in kept))
        unused = [stmt for stmt in kept if targets(stmt) and all(
            isinstance(t, ast.Name) and t.id not in read for t in targets(stmt))]
        if not unused:
            return dropped
        dropped += unused
    return dropped


def _lines(lines, stmt, decorators=()):
    """The source of `stmt` as written (comments kept), starting at its kept decorators."""
    first = min([d.lineno for d in decorators] + [stmt.lineno])
    return "\n".join(lines[first - 1:stmt.end_lineno])


def _loads(node):
    """Global names a node may read: names loaded minus names bound inside it."""
    loaded, bound = set(), set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            (loaded if isinstance(sub.ctx, ast.Load) else bound).add(sub.id)
        elif isinstance(sub, ast.arg):
            bound.add(sub.arg)
    return loaded - bound


def _attributes(node):
    return {sub.attr for sub in ast.walk(node) if isinstance(sub, ast.Attribute)}


def _super_calls(node):
    """Member names called as super().name(...) inside node."""
    return {sub.attr for sub in ast.walk(node) if isinstance(sub, ast.Attribute)
            and isinstance(sub.value, ast.Call) and getattr(sub.value.func, "id", "") == "super"}


def _member_names(stmt):
    if isinstance(stmt, (ast.FunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return set()


def _is_docstring(stmt):
    return (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str))


class Bundle:
    """Definitions in the order they must run, and the imports they need."""

    def __init__(self):
        self.imports = {}      # import line -> None (ordered set)
        self.blocks = []       # source texts
        self._seen = set()
        self._members = {}     # class -> the member names asked for (None: all)
        self._places = {}      # class -> index of its block

    # ---- public ---------------------------------------------------------------------
    def add(self, obj, members=None):
        """Add function or class `obj` (for a class: the members reachable from `members`,
        all of them when None) and everything it uses. Returns the name to call it by."""
        key = (obj.__module__, obj.__qualname__)
        if inspect.isclass(obj):
            before = self._members.get(key, set())
            wanted = None if members is None or before is None else before | set(members)
            if key not in self._members or wanted != before:
                self._members[key] = wanted
                self._add_class(obj, wanted)
        elif key not in self._seen:
            self._seen.add(key)
            self._add_function(obj)
        return obj.__name__

    def lambda_source(self, fn):
        """The text of lambda `fn` (its names followed like any definition's)."""
        _, node = _parse(fn)
        self._follow(_loads(node), fn.__globals__, _attributes(node))
        return ast.unparse(node)

    def text(self):
        return "\n".join(self.imports) + "\n\n\n" + "\n\n\n".join(self.blocks) + "\n"

    # ---- following names ------------------------------------------------------------
    def _follow(self, names, namespace, attributes):
        for name in sorted(names):
            if name not in namespace:
                continue  # a builtin, or a name local to a class body
            self._resolve(name, namespace[name], namespace, attributes)

    def _resolve(self, name, obj, namespace, attributes):
        obj = inspect.unwrap(obj) if callable(obj) else obj  # e.g. an lru_cache'd helper
        if inspect.ismodule(obj):
            module = obj.__name__
            if not _is_outside(module):
                raise ValueError(f"the script cannot import engine module {module}")
            alias = "" if module.split(".")[-1] == name else f" as {name}"
            self.imports[f"import {module}{alias}"] = None
        elif inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj):
            module = getattr(obj, "__module__", None) or ""
            if _is_outside(module) or module == "builtins":
                if module != "builtins":
                    self.imports[f"from {module.replace('numpy._core', 'numpy')} "
                                 f"import {obj.__name__}"] = None
                return
            real = self.add(obj, attributes if inspect.isclass(obj) else None)
            if real != name:
                self.blocks.append(f"{name} = {real}")
        else:
            self._add_constant(name, obj, namespace)

    def _add_constant(self, name, value, namespace):
        key = (namespace.get("__name__"), name)
        if key in self._seen:
            return
        self._seen.add(key)
        source, tree = _module_tree(namespace["__name__"])
        for stmt in tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and name in _member_names(stmt):
                self._follow(_loads(stmt), namespace, _attributes(stmt))
                self.blocks.append(ast.get_source_segment(source, stmt))
                return
        self.blocks.append(f"{name} = {value!r}")

    # ---- functions and classes ------------------------------------------------------
    @staticmethod
    def _kept_decorators(node, namespace):
        def kept(decorator):
            name = decorator.func if isinstance(decorator, ast.Call) else decorator
            base = name.id if isinstance(name, ast.Name) else None
            if base in _KEEP_DECORATORS:
                return True
            obj = namespace.get(base) if base else None
            return obj is not None and _is_outside(getattr(obj, "__module__", "") or "")
        node.decorator_list = [d for d in node.decorator_list if kept(d)]
        return node.decorator_list

    def _add_function(self, fn):
        lines, node = _parse(fn)
        namespace = fn.__globals__
        decorators = self._kept_decorators(node, namespace)
        self._follow(_loads(node), namespace, _attributes(node))
        self.blocks.append(_lines(lines, node, decorators))

    def _add_class(self, cls, roots):
        chain = [c for c in cls.__mro__ if c is not object and not _is_outside(c.__module__)]
        parsed = {c: _parse(c) for c in chain}
        wanted = None if roots is None else set(roots)
        if wanted is not None:
            grow = True
            while grow:  # members reach members: self._rule, self.betas, Sigmoid.fn ...
                grow = False
                for _, node in parsed.values():
                    for stmt in node.body:
                        if _member_names(stmt) & wanted:
                            more = (_attributes(stmt) | _loads(stmt)) - wanted
                            reach = {n for _, other in parsed.values() for s in other.body
                                     for n in _member_names(s) if n in more}
                            if reach:
                                wanted |= reach
                                grow = True
        overridden, emitted = set(), []
        for c in chain:  # most derived first
            lines, node = parsed[c]
            namespace = vars(sys.modules[c.__module__])
            supers, body, own = set(), [], set()
            for stmt in node.body:
                names = _member_names(stmt)
                if _is_docstring(stmt):
                    body.append(_lines(lines, stmt))
                elif names and "__slots__" not in names and (
                        wanted is None or names & wanted) and not names <= overridden:
                    decorators = (self._kept_decorators(stmt, namespace)
                                  if isinstance(stmt, ast.FunctionDef) else ())
                    self._follow(_loads(stmt), namespace, _attributes(stmt))
                    supers |= _super_calls(stmt)
                    own |= names
                    body.append(_lines(lines, stmt, decorators))
            overridden = (overridden | own) - supers
            emitted.append((c, node, body, namespace, bool(own)))
        used = {c for c, *_, has in emitted if has} | {cls}
        for c in chain:
            self._members[(c.__module__, c.__qualname__)] = wanted
        for c, node, body, namespace, _ in reversed(emitted):
            if c not in used:
                continue
            bases = [b for b in node.bases
                     if not isinstance(b, ast.Name) or namespace.get(b.id) in used]
            header = f"class {c.__name__}({', '.join(map(ast.unparse, bases))}):"
            text = header.replace("():", ":") + "\n" + ("\n\n".join(body) or "    pass")
            index = self._places.get((c.__module__, c.__qualname__))
            if index is None:
                self._places[(c.__module__, c.__qualname__)] = len(self.blocks)
                self.blocks.append(text)
            else:
                self.blocks[index] = text

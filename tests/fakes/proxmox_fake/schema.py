"""A Proxmox Rust product's API schema (PBS, PDM): path routing, which methods run tasks, sample answers.

The schema is the apidoc tree the product's API viewer serves, in the dialect of the Rust products:
`additionalProperties` is a JSON boolean, a property string's `format` is a nested object schema,
patterns are Perl-style (`/^...$/`, POSIX classes such as `[:cntrl:]`), and streaming methods say
`"method": "DOWNLOAD"` or `"UPLOAD"` under their GET or POST key. Nothing here knows a product's
behaviour; it only knows what the product accepts and the shape it answers with.
"""

import functools
import json
import re

try:
    from re import _parser as sre_parse
except ImportError:  # Python < 3.11
    import sre_parse

# POSIX classes the schemas use, as Python class contents.
POSIX = {'cntrl': r'\x00-\x1f\x7f', 'space': r'\s', 'alpha': 'A-Za-z', 'digit': '0-9', 'alnum': 'A-Za-z0-9'}
UPID_DESCRIPTION = 'Unique Process/Task Identifier'


class Match(object):
    """A request path resolved against the schema: the template, the path's parameters, its methods."""

    def __init__(self, template, params, methods):
        self.template = template
        self.params = params
        self.methods = methods


class Schema(object):
    """The flattened apidoc tree: `paths` maps a template (/admin/datastore/{store}) to {METHOD: info}."""

    def __init__(self, tree):
        self.paths = {}
        self.children = {}

        def walk(node, parent):
            self.paths[node['path']] = dict(node.get('info') or {})
            self.children.setdefault(node['path'], [])
            if parent is not None:
                self.children[parent].append(node['path'])
            for child in node.get('children') or []:
                walk(child, node['path'])
        for node in tree:
            walk(node, None if node['path'] == '/' else '/')
        self.root = {}
        for template in self.paths:
            node = self.root
            for seg in [s for s in template.strip('/').split('/') if s]:
                if seg.startswith('{') and seg.endswith('}'):
                    _, node = node.setdefault('var', (seg[1:-1], {}))
                else:
                    node = node.setdefault('lit', {}).setdefault(seg, {})
            node['path'] = template

    @classmethod
    def load(cls, filename):
        with open(filename, encoding='utf-8') as fh:
            return cls(json.load(fh))

    def methods(self):
        """Every (method, template, info), the method as its HTTP verb (GET for DOWNLOAD, POST for UPLOAD)."""
        return [(m, t, i) for t, infos in sorted(self.paths.items()) for m, i in sorted(infos.items())]

    def match(self, path):
        """Resolve '/admin/datastore/store1/status' to a Match, or None."""
        segs = [s for s in path.strip('/').split('/')] if path.strip('/') else []

        def walk(node, i, params):
            if i == len(segs):
                return (node['path'], params) if 'path' in node else None
            seg = segs[i]
            nxt = node.get('lit', {}).get(seg)
            if nxt is not None:
                found = walk(nxt, i + 1, params)
                if found:
                    return found
            if 'var' in node and seg:
                name, nxt = node['var']
                return walk(nxt, i + 1, dict(params, **{name: seg}))
            return None
        found = walk(self.root, 0, {})
        if found is None:
            return None
        return Match(found[0], found[1], self.paths[found[0]])

    def subdirs(self, template):
        """The literal child segments of a template, as a directory index answers them."""
        prefix = template.rstrip('/') + '/'
        out = []
        for child in sorted(self.children.get(template, [])):
            seg = child[len(prefix):].split('/')[0]
            if not seg.startswith('{') and seg not in out:
                out.append(seg)
        return out


def is_task(method, info):
    """True if the method answers with the UPID of a worker task it started."""
    returns = info.get('returns') or {}
    return method != 'GET' and returns.get('type') == 'string' and \
        UPID_DESCRIPTION in (returns.get('description') or '')


@functools.lru_cache(maxsize=None)
def pattern(text):
    """A schema pattern as a compiled Python regex (None if it cannot be compiled)."""
    if len(text) >= 2 and text.startswith('/') and text.endswith('/'):
        text = text[1:-1]
    if text.endswith('$') and not text.endswith('\\$'):
        text = text[:-1] + r'\Z'  # Rust's `$` does not match before a trailing newline
    text = re.sub(r'\[\[:\^(\w+):\]\]', lambda m: '[^' + POSIX.get(m.group(1), '') + ']', text)
    text = re.sub(r'\[:(\w+):\]', lambda m: POSIX.get(m.group(1), ''), text)
    try:
        return re.compile(text, re.S)
    except re.error:
        return None


def matches(text, value):
    """Whether value matches the schema pattern (searched, as Rust's Regex::is_match does)."""
    rx = pattern(text)
    return rx is None or rx.search(value) is not None


# ------------------------------------------------------------------ sample values

def _regex_sample(rx_text):
    """A string a regular expression matches, built from its parse tree (None if that fails)."""
    def gen(parsed):
        out = ''
        for op, arg in parsed:
            name = str(op)
            if name == 'LITERAL':
                out += chr(arg)
            elif name == 'NOT_LITERAL':
                out += 'a' if arg != ord('a') else 'b'
            elif name == 'ANY':
                out += 'a'
            elif name == 'IN':
                out += pick(arg)
            elif name in ('MAX_REPEAT', 'MIN_REPEAT', 'POSSESSIVE_REPEAT'):
                low, _, sub = arg
                out += gen(sub) * max(low, 0)
            elif name == 'SUBPATTERN':
                out += gen(arg[-1])
            elif name == 'BRANCH':
                out += gen(arg[1][0])
            elif name == 'ATOMIC_GROUP':
                out += gen(arg)
        return out

    def pick(items):
        if any(str(op) == 'NEGATE' for op, _ in items):
            return 'a'
        for op, arg in items:
            name = str(op)
            if name == 'LITERAL':
                return chr(arg)
            if name == 'RANGE':
                return chr(arg[0])
            if name == 'CATEGORY':
                return {'CATEGORY_DIGIT': '1', 'CATEGORY_SPACE': ' '}.get(str(arg), 'a')
        return 'a'
    rx = pattern(rx_text)
    if rx is None:
        return None
    try:
        return gen(sre_parse.parse(rx.pattern))
    except Exception:  # noqa: BLE001 - an exotic pattern falls back to the caller's guess
        return None


def sample(sch, name='', upid=None):
    """A value that satisfies a return schema: required properties only, empty lists.

    `upid` is the UPID to put where the schema wants one.
    """
    sch = sch or {}
    kind = sch.get('type')
    if 'oneOf' in sch and sch['oneOf']:
        return sample(sch['oneOf'][0], name, upid)
    if 'enum' in sch:
        return sch['enum'][0]
    if 'default' in sch and kind in ('string', 'integer', 'number', 'boolean'):
        return sch['default']
    if kind in ('integer', 'number'):
        return max(0, int(sch.get('minimum', 0) or 0)) if kind == 'integer' else float(sch.get('minimum', 0) or 0)
    if kind == 'boolean':
        return False
    if kind == 'string':
        if UPID_DESCRIPTION in (sch.get('description') or '') and upid:
            return upid
        fmt = sch.get('format')
        if isinstance(fmt, dict) and fmt.get('type') == 'array':
            return str(sample(fmt.get('items') or {}, name, upid))
        if isinstance(fmt, dict) and fmt.get('properties'):
            # A property string: its required keys, the default key's value bare.
            parts = []
            for key, sub in fmt['properties'].items():
                if sub.get('optional'):
                    continue
                text = str(sample(sub, key, upid)).lower() if sub.get('type') == 'boolean' else str(
                    sample(sub, key, upid))
                parts.append(text if key == fmt.get('default_key') else '{0}={1}'.format(key, text))
            return ','.join(parts)
        value = 'fake'
        if sch.get('pattern'):
            guess = _regex_sample(sch['pattern'])
            if guess is not None:
                value = guess
        if len(value) < sch.get('minLength', 0):
            value += 'a' * (sch['minLength'] - len(value))
        return value[:sch['maxLength']] if 'maxLength' in sch else value
    if kind == 'array':
        return []
    if kind == 'object' or 'properties' in sch:
        return dict((key, sample(sub, key, upid)) for key, sub in (sch.get('properties') or {}).items()
                    if not sub.get('optional'))
    return None

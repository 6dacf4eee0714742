"""Request parameters checked as proxmox-schema checks them, with its wording.

Two paths, as in proxmox-rest-server (`rest.rs`, `get_request_parameters`):
- a form body or query string goes through `ParameterSchema::parse_parameter_strings`: every value
  is a string parsed by the property's schema (`parse_simple_value`); an unknown name is
  "schema does not allow additional properties.", a missing one (checked only when nothing else
  failed) "parameter is missing and it is not optional.";
- a JSON body goes through `verify_json`: values must already have their JSON type ("Expected
  integer value."), an unknown name is "schema does not allow additional properties", a missing one
  "property is missing and it is not optional". Path parameters are parsed into the body first;
  one that fails answers its bare message.
Either way the errors are one `ParameterError`, shown as "parameter verification failed - 'name':
message" (one error) or "parameter verification failed:" and a "- 'name': message" line per error.
"""

import json
import re

from .schema import matches

INT_RE = re.compile(r'^[+-]?[0-9]+$')
I64 = (-2 ** 63, 2 ** 63 - 1)


class SchemaError(Exception):
    """One value's error: the message proxmox-schema gives (anyhow's `bail!`)."""


class ParameterError(Exception):
    """proxmox_schema::ParameterError: a list of (name, message)."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = list(errors)

    def __str__(self):
        if len(self.errors) == 1:
            name, err = self.errors[0]
            text = "parameter verification failed - '{0}': {1}".format(name, err)
        else:
            text = 'parameter verification failed:\n' + ''.join(
                "- '{0}': {1}\n".format(name, err) for name, err in self.errors)
        return text.strip()


def _num(value):
    """A number as Rust's Display writes it (1.0 -> 1)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _range(sch, value):
    if 'minimum' in sch and value < float(sch['minimum']):
        raise SchemaError('value must have a minimum value of {0} (got {1})'.format(
            _num(sch['minimum']), _num(value)))
    if 'maximum' in sch and value > float(sch['maximum']):
        raise SchemaError('value must have a maximum value of {0} (got {1})'.format(
            _num(sch['maximum']), _num(value)))


def check_string(sch, value):
    """StringSchema::check_constraints: length, then the format (pattern, enumeration, property string)."""
    length = len(value)
    if 'minLength' in sch and length < sch['minLength']:
        raise SchemaError('value must be at least {0} characters long'.format(sch['minLength']))
    if 'maxLength' in sch and length > sch['maxLength']:
        raise SchemaError('value may only be {0} characters long'.format(sch['maxLength']))
    if sch.get('pattern') and not matches(sch['pattern'], value):
        raise SchemaError('value does not match the regex pattern')
    if 'enum' in sch and value not in [str(e) for e in sch['enum']]:
        raise SchemaError("value '{0}' is not defined in the enumeration.".format(value))
    fmt = sch.get('format')
    if isinstance(fmt, dict):
        property_string(fmt, value)


def parse_boolean(text):
    low = text.lower()
    if low in ('1', 'on', 'yes', 'true'):
        return True
    if low in ('0', 'off', 'no', 'false'):
        return False
    raise SchemaError('Unable to parse boolean option.')


def parse_simple_value(sch, text):
    """Schema::parse_simple_value: a string from a form, query or path as the property's type."""
    kind = sch.get('type', 'string')
    if kind == 'boolean':
        return parse_boolean(text)
    if kind == 'integer':
        if text == '':
            raise SchemaError('cannot parse integer from empty string')
        if not INT_RE.match(text):
            raise SchemaError('invalid digit found in string')
        value = int(text)
        if value > I64[1]:
            raise SchemaError('number too large to fit in target type')
        if value < I64[0]:
            raise SchemaError('number too small to fit in target type')
        _range(sch, value)
        return value
    if kind == 'number':
        if text == '':
            raise SchemaError('cannot parse float from empty string')
        try:
            if text.strip() != text or '_' in text:
                raise ValueError(text)
            value = float(text)
        except ValueError:
            raise SchemaError('invalid float literal') from None
        _range(sch, value)
        return value
    if kind == 'string':
        check_string(sch, text)
        return text
    raise SchemaError('unable to parse complex (sub) objects.')


def _split_property_string(text):
    """proxmox_schema::property_string::PropertyIterator: (key or None, value) pairs; quotes allowed."""
    out = []
    i = 0
    while i < len(text):
        key = None
        # key=
        m = re.match(r'([^=,"]+)=', text[i:])
        if m:
            key = m.group(1)
            i += m.end()
        if i < len(text) and text[i] == '"':
            value, j = '', i + 1
            while True:
                if j >= len(text):
                    raise SchemaError('unexpected end of string')
                if text[j] == '\\' and j + 1 < len(text):
                    value += text[j + 1]
                    j += 2
                    continue
                if text[j] == '"':
                    j += 1
                    break
                value += text[j]
                j += 1
            if j < len(text) and text[j] != ',':
                raise SchemaError('garbage after quoted string')
            i = j + 1
        else:
            end = text.find(',', i)
            end = len(text) if end < 0 else end
            value = text[i:end]
            i = end + 1
        out.append((key, value))
    return out


def property_string(fmt, text):
    """A property string ('key=value,...') checked against its nested schema; raises ParameterError."""
    if fmt.get('type') == 'array' or ('items' in fmt and 'properties' not in fmt):
        items = fmt.get('items') or {}
        count = 0
        for part in re.split(r'[,;\s]+', text):
            if not part:
                continue
            count += 1
            try:
                parse_simple_value(items, part.strip())
            except SchemaError as exc:
                raise SchemaError('unable to parse array element: {0}'.format(exc)) from None
        _array_length(fmt, count)
        return
    if 'properties' not in fmt:
        check_string(fmt, text)
        return
    props = fmt.get('properties') or {}
    errors = []
    seen = set()
    for key, value in _split_property_string(text):
        if key is None:
            key = fmt.get('default_key')
            if key is None:
                raise SchemaError("Value '{0}' without key, but schema does not define a default key.".format(value))
        if key in seen:
            errors.append((key, 'duplicate key'))
            continue
        seen.add(key)
        sub = props.get(key)
        if sub is None:
            if not fmt.get('additionalProperties'):
                errors.append((key, 'schema does not allow additional properties'))
            continue
        try:
            kind = sub.get('type', 'string')
            if kind == 'integer' and not INT_RE.match(value):
                raise SchemaError('not an integer: {0}'.format(json.dumps(value)))
            if kind == 'boolean':
                try:
                    parse_boolean(value)
                except SchemaError:
                    raise SchemaError('not a boolean: {0}'.format(json.dumps(value))) from None
            elif kind == 'number':
                try:
                    float(value)
                except ValueError:
                    raise SchemaError('not a valid number: {0}'.format(json.dumps(value))) from None
            parse_simple_value(sub, value) if kind != 'array' else property_string(sub, value)
        except (SchemaError, ParameterError) as exc:
            errors.append((key, str(exc)))
    for key, sub in props.items():
        if not sub.get('optional') and key not in seen:
            errors.append((key, 'property is missing and it is not optional'))
    if errors:
        raise ParameterError(errors)


def _array_length(sch, count):
    if 'minLength' in sch and count < sch['minLength']:
        raise SchemaError('array must contain at least {0} elements'.format(sch['minLength']))
    if 'maxLength' in sch and count > sch['maxLength']:
        raise SchemaError('array may only contain {0} elements'.format(sch['maxLength']))


def parse_parameter_strings(spec, pairs):
    """do_parse_parameter_strings with test_required: (name, text) pairs to typed values."""
    props = spec.get('properties') or {}
    additional = bool(spec.get('additionalProperties'))
    params = {}
    errors = []
    for key, text in pairs:
        sch = props.get(key)
        if sch is not None:
            if sch.get('type') == 'array':
                params.setdefault(key, [])
                try:
                    params[key].append(parse_simple_value(sch.get('items') or {}, text))
                except SchemaError as exc:
                    errors.append((key, str(exc)))
                except ParameterError as exc:
                    errors.append((key, str(exc)))
                continue
            try:
                value = parse_simple_value(sch, text)
            except (SchemaError, ParameterError) as exc:
                errors.append((key, str(exc)))
                continue
            if key in params:
                errors.append((key, 'duplicate parameter.'))
            else:
                params[key] = value
        elif additional:
            if key not in params:
                params[key] = text
            elif isinstance(params[key], list):
                params[key].append(text)
            else:
                params[key] = [params[key], text]
        else:
            errors.append((key, 'schema does not allow additional properties.'))
    if not errors:
        for name, sch in props.items():
            if not sch.get('optional') and name not in params:
                errors.append((name, 'parameter is missing and it is not optional.'))
    if errors:
        raise ParameterError(errors)
    return params


def verify_value(sch, value):
    """Schema::verify_json for one value; raises SchemaError or ParameterError."""
    if 'oneOf' in sch and 'type' not in sch or sch.get('type') == 'object' and 'oneOf' in sch:
        _verify_one_of(sch, value)
        return
    kind = sch.get('type', 'string')
    if kind == 'boolean':
        if not isinstance(value, bool):
            raise SchemaError('Expected boolean value.')
    elif kind == 'integer':
        if isinstance(value, bool) or not isinstance(value, int) or not I64[0] <= value <= I64[1]:
            raise SchemaError('Expected integer value.')
        _range(sch, value)
    elif kind == 'number':
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SchemaError('Expected number value.')
        _range(sch, value)
    elif kind == 'string':
        if not isinstance(value, str):
            raise SchemaError('Expected string value.')
        check_string(sch, value)
    elif kind == 'array':
        if isinstance(value, dict):
            raise SchemaError('Expected array - got object.')
        if not isinstance(value, list):
            raise SchemaError('Expected array - got scalar value.')
        _array_length(sch, len(value))
        for n, item in enumerate(value):
            try:
                verify_value(sch.get('items') or {}, item)
            except (SchemaError, ParameterError) as exc:
                raise ParameterError([('[{0}]'.format(n), str(exc))]) from None
    elif kind == 'object':
        verify_object(sch, value)


def _verify_one_of(sch, value):
    """A `oneOf` of tagged objects (serde's `tag = "type"`): the value must fit one branch, its tag aside."""
    if not isinstance(value, dict):
        raise SchemaError('Expected object - got scalar value.')
    bare = dict((k, v) for k, v in value.items() if k != 'type')
    errors = []
    for branch in sch['oneOf']:
        if value.get('type') not in (None, branch.get('title')):
            continue
        try:
            verify_value(branch, bare)
            return
        except (SchemaError, ParameterError) as exc:
            errors.append(str(exc))
    raise SchemaError('no oneOf variant matches: ' + '; '.join(errors))


def verify_object(spec, data):
    """ObjectSchemaType::verify_json: a JSON object against an object schema."""
    if isinstance(data, list):
        raise SchemaError('Expected object - got array.')
    if not isinstance(data, dict):
        raise SchemaError('Expected object - got scalar value.')
    props = spec.get('properties') or {}
    additional = bool(spec.get('additionalProperties'))
    errors = []
    for key, value in data.items():
        sch = props.get(key)
        if sch is not None:
            try:
                verify_value(sch, value)
            except ParameterError as exc:
                errors.extend(('{0}/{1}'.format(key, name), err) for name, err in exc.errors)
            except SchemaError as exc:
                errors.append((key, str(exc)))
        elif not additional:
            errors.append((key, 'schema does not allow additional properties'))
    for name, sch in props.items():
        if not sch.get('optional') and data.get(name) is None:
            errors.append((name, 'property is missing and it is not optional'))
    if errors:
        raise ParameterError(errors)


def json_parameters(spec, body, uri_params):
    """A JSON body with the path's parameters parsed into it, then verified."""
    props = spec.get('properties') or {}
    params = dict(body)
    for key, text in uri_params.items():
        if key in props:
            params[key] = parse_simple_value(props[key], text)  # a bare SchemaError, as in rest.rs
    verify_object(spec, params)
    return params

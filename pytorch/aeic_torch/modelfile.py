"""Reads and writes the tensors of AEIC model files (proto/src/main/proto/model.proto) without the
protobuf package: a GPU machine may have PyTorch and nothing else. Only the fields training needs are
interpreted (architecture, tensors, the quality/λ of each level, provenance); integer tables are left to
the Java trainer, which writes them when it fine-tunes from this file (`aeic train --init`).
"""
import os
import struct

# field numbers of model.proto
MODEL_ID, MODEL_DESCRIPTION, MODEL_ARCHITECTURE, MODEL_TENSORS, MODEL_QUALITIES, MODEL_PROVENANCE = 1, 2, 3, 4, 5, 6
ARCH_KIND, ARCH_N, ARCH_M, ARCH_KERNEL, ARCH_LAYERS = 1, 2, 3, 4, 5
TENSOR_NAME, TENSOR_SHAPE, TENSOR_DATA = 1, 2, 3
QUALITY_QUALITY, QUALITY_LAMBDA = 1, 2
PROV_TRAINER, PROV_COMMAND, PROV_SEED, PROV_STEPS, PROV_WALL, PROV_DATA, PROV_CREATED, PROV_NOTES = range(1, 9)

VARINT, I64, LEN, I32 = 0, 1, 2, 5


def _varint(buf, pos):
    shift = result = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated model file")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("bad varint in model file")


def fields(buf):
    """The fields of one message: a list of (number, wire type, value); LEN values are bytes."""
    out, pos = [], 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == VARINT:
            value, pos = _varint(buf, pos)
        elif wire == I64:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == I32:
            value, pos = buf[pos:pos + 4], pos + 4
        elif wire == LEN:
            size, pos = _varint(buf, pos)
            value, pos = bytes(buf[pos:pos + size]), pos + size
        else:
            raise ValueError("unsupported wire type %d in model file" % wire)
        if pos > len(buf):
            raise ValueError("truncated model file")
        out.append((number, wire, value))
    return out


def _floats(wire, value):
    if wire == I32:
        return list(struct.unpack("<f", value))
    return list(struct.unpack("<%df" % (len(value) // 4), value))


def _uints(wire, value):
    if wire == VARINT:
        return [value]
    vals, pos = [], 0
    while pos < len(value):
        v, pos = _varint(value, pos)
        vals.append(v)
    return vals


def read(path):
    """{'id', 'n', 'm', 'kind', 'tensors': {name: (shape, [floats])}, 'levels': [(quality, λ)], 'steps'}."""
    with open(path, "rb") as f:
        buf = f.read()
    model = {"id": "", "n": 0, "m": 0, "kind": "", "tensors": {}, "levels": [], "steps": 0}
    for number, wire, value in fields(buf):
        if number == MODEL_ID:
            model["id"] = value.decode("utf-8")
        elif number == MODEL_ARCHITECTURE:
            for n2, w2, v2 in fields(value):
                if n2 == ARCH_KIND:
                    model["kind"] = v2.decode("utf-8")
                elif n2 == ARCH_N:
                    model["n"] = v2
                elif n2 == ARCH_M:
                    model["m"] = v2
        elif number == MODEL_TENSORS:
            name, shape, data = "", [], []
            for n2, w2, v2 in fields(value):
                if n2 == TENSOR_NAME:
                    name = v2.decode("utf-8")
                elif n2 == TENSOR_SHAPE:
                    shape += _uints(w2, v2)
                elif n2 == TENSOR_DATA:
                    data += _floats(w2, v2)
            model["tensors"][name] = (shape, data)
        elif number == MODEL_QUALITIES:
            q = lam = 0.0
            for n2, w2, v2 in fields(value):
                if n2 == QUALITY_QUALITY:
                    q = _floats(w2, v2)[0]
                elif n2 == QUALITY_LAMBDA:
                    lam = _floats(w2, v2)[0]
            model["levels"].append((q, lam))
        elif number == MODEL_PROVENANCE:
            for n2, w2, v2 in fields(value):
                if n2 == PROV_STEPS:
                    model["steps"] = v2
    return model


def _key(number, wire):
    return _enc_varint((number << 3) | wire)


def _enc_varint(v):
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _len(number, payload):
    return _key(number, LEN) + _enc_varint(len(payload)) + payload


def _str(number, s):
    return _len(number, s.encode("utf-8"))


def _uint(number, v):
    return _key(number, VARINT) + _enc_varint(v)


def _float(number, v):
    return _key(number, I32) + struct.pack("<f", v)


def encode(model_id, n, m, tensors, levels, provenance, kind="factorized-gdn"):
    """A model file. tensors: [(name, shape, flat floats or little-endian float32 bytes)]; levels: [(quality, λ)];
    provenance: dict with trainer, command, seed, steps, wall_seconds, data, created, notes."""
    out = bytearray()
    out += _str(MODEL_ID, model_id)
    out += _str(MODEL_DESCRIPTION, "trained with the PyTorch mirror; fine-tune with aeic train --init")
    arch = _str(ARCH_KIND, kind) + _uint(ARCH_N, n) + _uint(ARCH_M, m) + _uint(ARCH_KERNEL, 5) \
        + _uint(ARCH_LAYERS, 4)
    out += _len(MODEL_ARCHITECTURE, arch)
    for name, shape, data in tensors:
        shape_bytes = b"".join(_enc_varint(s) for s in shape)
        t = _str(TENSOR_NAME, name) + _len(TENSOR_SHAPE, shape_bytes) \
            + _len(TENSOR_DATA, data if isinstance(data, bytes) else struct.pack("<%df" % len(data), *data))
        out += _len(MODEL_TENSORS, t)
    for q, lam in levels:
        out += _len(MODEL_QUALITIES, _float(QUALITY_QUALITY, q) + _float(QUALITY_LAMBDA, lam))
    p = provenance
    prov = _str(PROV_TRAINER, p.get("trainer", "")) + _str(PROV_COMMAND, p.get("command", "")) \
        + _uint(PROV_SEED, p.get("seed", 0)) + _uint(PROV_STEPS, p.get("steps", 0)) \
        + _key(PROV_WALL, I64) + struct.pack("<d", p.get("wall_seconds", 0.0)) \
        + _str(PROV_DATA, p.get("data", "")) + _str(PROV_CREATED, p.get("created", "")) \
        + _str(PROV_NOTES, p.get("notes", ""))
    out += _len(MODEL_PROVENANCE, prov)
    return bytes(out)


def write_atomically(path, data):
    """Writes data to path through a synced temporary file and a rename: a reader sees the old file or the new."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)

"""TensorFlow's C API through ctypes: the C++ SavedModel loader and a TF1 session run.

`TF_LoadSessionFromSavedModel` (exported by the wheel's `libtensorflow_cc.so.2`) is the C++
`LoadSavedModel` that TF Serving, the TFLite converter and the MLIR importers use: it imports
the outer GraphDef, feeds every asset's `tensor_info.name`, runs the `saver_def` restore op,
and returns a session. `run_signature` then runs one `signature_def` with `TF_SessionRun`.
"""

from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np

# TF_DataType values (tensorflow/c/tf_datatype.h) for the dtypes our exports use.
_DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 9: np.int64, 10: np.bool_}
_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}


class TFBuffer(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("length", ctypes.c_size_t), ("deallocator", ctypes.c_void_p)]


class TFOutput(ctypes.Structure):
    _fields_ = [("oper", ctypes.c_void_p), ("index", ctypes.c_int)]


class CAPIError(RuntimeError):
    """A non-OK TF_Status, with its code and message."""


def _library() -> ctypes.CDLL:
    import tensorflow  # the wheel's directory holds libtensorflow_cc.so.2

    path = Path(tensorflow.__file__).parent / "libtensorflow_cc.so.2"
    lib = ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t
    signatures = {
        "TF_NewStatus": (p, []), "TF_DeleteStatus": (None, [p]), "TF_GetCode": (i, [p]),
        "TF_Message": (ctypes.c_char_p, [p]),
        "TF_NewGraph": (p, []), "TF_DeleteGraph": (None, [p]),
        "TF_NewSessionOptions": (p, []), "TF_DeleteSessionOptions": (None, [p]),
        "TF_NewBuffer": (ctypes.POINTER(TFBuffer), []), "TF_DeleteBuffer": (None, [ctypes.POINTER(TFBuffer)]),
        "TF_LoadSessionFromSavedModel": (p, [p, p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), i, p,
                                             ctypes.POINTER(TFBuffer), p]),
        "TF_CloseSession": (None, [p, p]), "TF_DeleteSession": (None, [p, p]),
        "TF_GraphOperationByName": (p, [p, ctypes.c_char_p]),
        "TF_AllocateTensor": (p, [i, ctypes.POINTER(ctypes.c_int64), i, s]),
        "TF_DeleteTensor": (None, [p]), "TF_TensorData": (p, [p]), "TF_TensorByteSize": (s, [p]),
        "TF_TensorType": (i, [p]), "TF_NumDims": (i, [p]), "TF_Dim": (ctypes.c_int64, [p, i]),
        "TF_SessionRun": (None, [p, p, ctypes.POINTER(TFOutput), ctypes.POINTER(p), i,
                                 ctypes.POINTER(TFOutput), ctypes.POINTER(p), i, ctypes.POINTER(p), i, p, p]),
    }
    for name, (restype, argtypes) in signatures.items():
        fn = getattr(lib, name)
        fn.restype, fn.argtypes = restype, argtypes
    return lib


class SavedModelSession:
    """A session loaded by the C++ loader; `meta_graph` is the MetaGraphDef it returned."""

    def __init__(self, export_dir: Path, tags: tuple[str, ...] = ("serve",)):
        from tensorflow.core.protobuf import meta_graph_pb2

        self.lib = lib = _library()
        self.status = lib.TF_NewStatus()
        self.graph = lib.TF_NewGraph()
        options = lib.TF_NewSessionOptions()
        meta = lib.TF_NewBuffer()
        tag_array = (ctypes.c_char_p * len(tags))(*[t.encode() for t in tags])
        try:
            self.session = lib.TF_LoadSessionFromSavedModel(
                options, None, str(export_dir).encode(), tag_array, len(tags), self.graph, meta, self.status)
            self._check(f"TF_LoadSessionFromSavedModel({export_dir})")
            self.meta_graph = meta_graph_pb2.MetaGraphDef.FromString(ctypes.string_at(meta.contents.data,
                                                                                      meta.contents.length))
        except CAPIError:
            lib.TF_DeleteGraph(self.graph)
            lib.TF_DeleteStatus(self.status)
            raise
        finally:
            lib.TF_DeleteBuffer(meta)
            lib.TF_DeleteSessionOptions(options)

    def _check(self, what: str) -> None:
        code = self.lib.TF_GetCode(self.status)
        if code != 0:
            raise CAPIError(f"{what}: code {code}: {self.lib.TF_Message(self.status).decode()}")

    def _output(self, tensor_name: str) -> TFOutput:
        op_name, _, index = tensor_name.partition(":")
        oper = self.lib.TF_GraphOperationByName(self.graph, op_name.encode())
        if not oper:
            raise CAPIError(f"operation {op_name!r} of tensor {tensor_name!r} is not in the loaded graph")
        return TFOutput(oper, int(index or 0))

    def _tensor(self, array: np.ndarray) -> int:
        array = np.ascontiguousarray(array)
        dims = (ctypes.c_int64 * array.ndim)(*array.shape)
        tensor = self.lib.TF_AllocateTensor(_CODES[array.dtype], dims, array.ndim, array.nbytes)
        ctypes.memmove(self.lib.TF_TensorData(tensor), array.ctypes.data, array.nbytes)
        return tensor

    def _array(self, tensor: int) -> np.ndarray:
        dtype = _DTYPES[self.lib.TF_TensorType(tensor)]
        shape = [self.lib.TF_Dim(tensor, d) for d in range(self.lib.TF_NumDims(tensor))]
        data = ctypes.string_at(self.lib.TF_TensorData(tensor), self.lib.TF_TensorByteSize(tensor))
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()

    def run_signature(self, key: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Runs `signature_def[key]`: feeds each input by its tensor name, fetches every output."""
        signature = self.meta_graph.signature_def[key]
        assert set(inputs) == set(signature.inputs), f"inputs {sorted(inputs)} != {sorted(signature.inputs)}"
        in_keys, out_keys = sorted(inputs), sorted(signature.outputs)
        feeds = (TFOutput * len(in_keys))(*[self._output(signature.inputs[k].name) for k in in_keys])
        values = (ctypes.c_void_p * len(in_keys))(*[self._tensor(inputs[k]) for k in in_keys])
        fetches = (TFOutput * len(out_keys))(*[self._output(signature.outputs[k].name) for k in out_keys])
        results = (ctypes.c_void_p * len(out_keys))()
        try:
            self.lib.TF_SessionRun(self.session, None, feeds, values, len(in_keys), fetches, results,
                                   len(out_keys), None, 0, None, self.status)
            self._check(f"TF_SessionRun({key})")
            return {k: self._array(results[i]) for i, k in enumerate(out_keys)}
        finally:
            for tensor in list(values) + [r for r in results if r]:
                self.lib.TF_DeleteTensor(tensor)

    def close(self) -> None:
        self.lib.TF_CloseSession(self.session, self.status)
        self.lib.TF_DeleteSession(self.session, self.status)
        self.lib.TF_DeleteGraph(self.graph)
        self.lib.TF_DeleteStatus(self.status)

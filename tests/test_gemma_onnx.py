"""EmbeddingGemma's question model in ONNX: when an export counts as installed, the renaming
that makes a quantized export loadable, and (integration, after `make setup`) that questions
embedded by it stay next to the float model's, in English and Chinese."""

import json

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from index.store import gemma_onnx


def _snapshot_with_export(tmp_path, verified: str = '{"name": "embeddinggemma-300m"}'):
    snapshot = tmp_path / "embeddinggemma-300m"
    snapshot.mkdir(parents=True)
    (snapshot / ".verified.json").write_text(verified)
    folder = gemma_onnx.folder_for(snapshot)
    folder.mkdir()
    (folder / gemma_onnx.EXPORTED).write_bytes(b"an exported model")
    (folder / gemma_onnx.STAMP).write_text(json.dumps(gemma_onnx._fingerprint(snapshot, folder)))
    return snapshot, folder


def test_an_export_stamped_for_its_snapshot_is_installed(tmp_path):
    snapshot, folder = _snapshot_with_export(tmp_path)
    assert gemma_onnx.installed(snapshot) == folder / gemma_onnx.EXPORTED


def test_an_export_of_another_snapshot_or_a_rewritten_file_is_not(tmp_path):
    snapshot, folder = _snapshot_with_export(tmp_path)
    (snapshot / ".verified.json").write_text('{"name": "embeddinggemma-300m", "other": 1}')
    assert gemma_onnx.installed(snapshot) is None

    snapshot, folder = _snapshot_with_export(tmp_path / "second", verified="{}")
    (folder / gemma_onnx.EXPORTED).write_bytes(b"half of an exported model, longer")
    assert gemma_onnx.installed(snapshot) is None


def test_an_export_without_its_stamp_is_not_installed(tmp_path):
    snapshot, folder = _snapshot_with_export(tmp_path)
    (folder / gemma_onnx.STAMP).unlink()
    assert gemma_onnx.installed(snapshot) is None


def _graph_whose_weight_shares_the_output_name(path):
    """What quantize_dynamic makes of the export: the token-embedding table dequantized into
    a tensor called "embedding", which is also the name of the graph's output."""
    table = numpy_helper.from_array(np.arange(12, dtype=np.int8).reshape(4, 3), "table_q")
    scale = numpy_helper.from_array(np.array(0.5, dtype=np.float32), "table_scale")
    nodes = [
        helper.make_node("DequantizeLinear", ["table_q", "table_scale"], ["embedding"]),
        helper.make_node("Gather", ["embedding", "input_ids"], ["token_vectors"]),
        helper.make_node("ReduceMean", ["token_vectors"], ["embedding"], axes=[1], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, "collision", [helper.make_tensor_value_info("input_ids", TensorProto.INT64, [1, None])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [1, 3])],
        initializer=[table, scale])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), str(path))


def test_the_dequantized_weight_is_renamed_so_onnx_runtime_loads_the_model(tmp_path):
    path = tmp_path / "model.onnx"
    _graph_whose_weight_shares_the_output_name(path)
    with pytest.raises(Exception, match="(?i)duplicate"):
        onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])

    gemma_onnx._rename_colliding_output(path)

    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (vector,) = session.run(None, {"input_ids": np.array([[0, 3]], dtype=np.int64)})
    np.testing.assert_allclose(vector, [[(0 + 9) / 4, (1 + 10) / 4, (2 + 11) / 4]])


QUESTIONS = [
    "Does international humanitarian law apply to lethal autonomous weapons systems?",
    "What did the Group agree about human responsibility for the use of force?",
    "致命性自主武器系统是否应受国际人道法约束？",
    "哪些国家提交了关于人类控制的意见？",
]


@pytest.mark.integration
def test_questions_embedded_by_the_export_stay_next_to_the_float_models():
    from index.store.embedders import GemmaEmbeddings

    exported = GemmaEmbeddings()
    assert exported.question_backend == "onnxruntime-int8"  # `make setup` exported it
    float_model = GemmaEmbeddings(quantized=False)
    for question in QUESTIONS:
        a = np.array(exported.embed_query(question))
        b = np.array(float_model.embed_query(question))
        assert a.shape == (768,) and np.linalg.norm(a) == pytest.approx(1.0, abs=1e-4)
        assert float(a @ b) > 0.97, question

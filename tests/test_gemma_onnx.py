"""EmbeddingGemma's question model in ONNX: when an export counts as installed, the renaming
that makes a quantized export loadable, an embedder taking the export up once it is made, and
(integration, after `make test` exported it) that questions embedded by it stay next to the
float model's, in English and Chinese."""

import json

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from index.errors import ModelError
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


class _Vectors:
    """Stands in for a model: every question gets the same vector, named by its maker."""

    def __init__(self, value: float):
        self.value = value

    def embed_query(self, text):
        return [self.value]

    embed = embed_query


@pytest.fixture
def unexported(tmp_path, monkeypatch):
    """A Gemma embedder over a snapshot with no export: PyTorch's side stands in as 0.0, and
    an export, once loadable, as 1.0."""
    from index.store.embedders import GemmaEmbeddings

    snapshot = tmp_path / "embeddinggemma-300m"
    snapshot.mkdir()
    (snapshot / ".verified.json").write_text("{}")
    loads = []

    def load(folder, exported, prompt):
        loads.append(exported)
        if exported.read_bytes() == b"unloadable":
            raise ModelError(f"cannot load the question model {exported}")
        return _Vectors(1.0)

    monkeypatch.setattr(gemma_onnx, "OnnxQuestions", load)
    embedder = GemmaEmbeddings(str(snapshot))
    embedder._torch = _Vectors(0.0)
    return embedder, snapshot, loads


def _export(snapshot, content=b"an exported model"):
    folder = gemma_onnx.folder_for(snapshot)
    folder.mkdir(exist_ok=True)
    (folder / gemma_onnx.EXPORTED).write_bytes(content)
    (folder / gemma_onnx.STAMP).write_text(json.dumps(gemma_onnx._fingerprint(snapshot, folder)))


def test_questions_move_to_the_export_once_it_appears(unexported):
    """A first `make run` answers before the export is made, then takes it up unrestarted."""
    embedder, snapshot, loads = unexported
    assert embedder.embed_query("q") == [0.0] and embedder.question_backend == "torch-int8"

    _export(snapshot)

    assert embedder.embed_query("q") == [1.0] and embedder.question_backend == "onnxruntime-int8"
    embedder.embed_query("q")
    assert len(loads) == 1


def test_an_export_that_cannot_load_leaves_questions_with_pytorch_and_is_tried_once(unexported):
    embedder, snapshot, loads = unexported
    _export(snapshot, b"unloadable")
    with pytest.warns(UserWarning, match="cannot load the question model"):
        assert embedder.embed_query("q") == [0.0]
    assert embedder.embed_query("q") == [0.0] and len(loads) == 1  # not again for each question


def test_a_stale_stamp_is_not_taken_up(unexported):
    embedder, snapshot, loads = unexported
    _export(snapshot)
    (snapshot / ".verified.json").write_text('{"another": "snapshot"}')
    assert embedder.embed_query("q") == [0.0] and loads == []


def test_a_child_export_that_fails_says_why(tmp_path):
    """The page's background export runs `python -m index.store.gemma_onnx` in a child; a
    snapshot it cannot read is one ModelError naming the model, not a traceback."""
    snapshot = tmp_path / "embeddinggemma-300m"
    snapshot.mkdir()
    with pytest.raises(ModelError, match="cannot export embeddinggemma-300m"):
        gemma_onnx.export_in_child(snapshot)
    assert gemma_onnx.installed(snapshot) is None


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
    assert exported.question_backend == "onnxruntime-int8"  # `make test` exported it first
    float_model = GemmaEmbeddings(quantized=False)
    for question in QUESTIONS:
        a = np.array(exported.embed_query(question))
        b = np.array(float_model.embed_query(question))
        assert a.shape == (768,) and np.linalg.norm(a) == pytest.approx(1.0, abs=1e-4)
        assert float(a @ b) > 0.97, question

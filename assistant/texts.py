"""Every fixed text the assistant shows people, in English and Chinese, by where it shows."""

from __future__ import annotations

from .settings import LLM


def both(text: dict[str, str], sep: str = " ") -> str:
    """English, then Chinese: the page's own labels and messages speak to either reader."""
    return f"{text['en']}{sep}{text['zh']}"


# ---- answers (assistant/chain.py and the answer builders) ------------------------------------
# An answer speaks its question's language; these open the answer when there is none to give.

REFUSALS = {
    "en": "The corpus does not cover this question. The nearest paragraphs are:",
    "zh": "语料库中没有涉及这个问题的内容。最接近的段落是：",
}
NO_SUCH_PARAGRAPH = {
    "en": "There is no such paragraph in the corpus. The nearest valid ones are:",
    "zh": "语料库中没有这个段落。最接近的有效段落是：",
}
UNSUPPORTED = {
    "en": "The passages found do not clearly answer this question. The nearest paragraphs are:",
    "zh": "检索到的段落没有明确回答这个问题。最接近的段落是：",
}
# The question names a document ({named}) and every passage cited is from others ({cited}).
FROM_ANOTHER_DOCUMENT = {
    "en": "Nothing found in {named} answers this; the passages below are from {cited}, "
          "not from {named}.",
    "zh": "{named} 中没有找到回答这个问题的内容；以下段落出自 {cited}，而非 {named}。",
}
# The question names a document the library does not hold, or a year nothing found is about.
ABSENT_DOCUMENTS = {
    "en": "The library does not hold {names}, and no passage found mentions it, so this cannot "
          "be answered from the corpus. The nearest paragraphs are:",
    "zh": "文库中没有 {names}，检索到的段落也没有提到它，因此无法根据语料库回答。最接近的段落是：",
}
# The question asks what a State or organization said, and it submitted nothing the library holds.
ABSENT_SUBMITTERS = {
    "en": "The library holds nothing submitted by {names}, and no passage found mentions them, so "
          "this cannot be answered from the corpus. The nearest paragraphs are:",
    "zh": "文库中没有 {names} 提交的内容，检索到的段落也没有提到，因此无法根据语料库回答。最接近的段落是：",
}
ABSENT_YEARS = {
    "en": "Nothing found is from or about {years}, so this cannot be answered from the corpus. "
          "The nearest paragraphs are:",
    "zh": "检索到的内容中没有 {years} 年的文件或相关段落，因此无法根据语料库回答。最接近的段落是：",
}


def join_names(names: list[str], lang: str) -> str:
    """"A, B and C" / "A、B和C"."""
    if len(names) < 2:
        return "".join(names)
    if lang == "zh":
        return "、".join(names[:-1]) + "和" + names[-1]
    return ", ".join(names[:-1]) + " and " + names[-1]


VERBATIM_INTRO = {"en": "The text of {label}:", "zh": "{label}原文如下："}
# How a quote stands in for an answer the checks did not keep.
SAYS = {"en": ("The passage says: “", "”"), "zh": ("原文写道：“", "”")}

# ---- answers without a model (assistant/extractive.py) ---------------------------------------
# The notice above quoted passages: no model is configured, or it failed ({reason}).

EXTRACTIVE_NOTICES = {
    "none": {"en": "No language model is configured: these are the passages that best match "
                   "your question, quoted.",
             "zh": "未配置语言模型：以下是与您的问题最相关的原文段落。"},
    "failed": {"en": "The language model did not answer ({reason}); these are the passages that "
                     "best match your question, quoted.",
               "zh": "语言模型未能回答（{reason}）；以下是与您的问题最相关的原文段落。"},
}

# ---- the terminal (assistant/render.py) -------------------------------------------------------
# The command line speaks English around the answer, whatever the answer's language.

TERMINAL = {
    "no_hits": "no paragraphs found",
    "sources": "Sources:",
    "quoted": "quoted: “{quote}”",
}

# ---- the page: answers and their sources (assistant/ui/html.py) -------------------------------
# In the answer's language. eval/browser.py reads "checking" to tell a draft from an answer.

ANSWER_PANEL = {
    "en": {"sources": "Sources", "section": "Section", "no_sources": "No paragraphs cited.",
           "checking": "checking the citations…", "not_found": "No such paragraph",
           "nearest": "The nearest valid ones are:"},
    "zh": {"sources": "出处", "section": "章节", "no_sources": "没有引用段落。",
           "checking": "正在核对引文……", "not_found": "没有这个段落",
           "nearest": "最接近的有效段落："},
}
MARKER_TITLE = "show the paragraph"  # the tooltip of a clickable [n]
EXPORT_QUOTED = "Quoted: “{quote}”"  # under a citation in the exported Markdown
GLOSSARY_COLUMNS = {"en": "English", "zh": "中文"}  # the glossary's table, one column each

# ---- the page: status lines and messages (assistant/ui/handlers.py) ---------------------------
# Shown before the question's language is known, or about the page itself: both languages.

HINTS = {
    "empty": {"en": "Type a question first.", "zh": "请先输入问题。"},
    "verify_empty": {"en": "Type a citation such as “CCW/GGE.1/2023/2 para. 21 (c)”, "
                           "“第 21 段(c)” or a symbol.",
                     "zh": "请输入引文，例如“CCW/GGE.1/2023/2 号文件第 21 段(c)分段”。"},
}
QUESTION_TOO_LONG = {"en": "The question is {length} characters long; the limit is {limit}.",
                     "zh": "问题过长。"}
INTERNAL_ERROR = "Something went wrong while answering; the details are in the server's log."
CORPUS_LINE = {
    "en": "The corpus holds {documents} UN disarmament documents ({versions} language versions) "
          "in {languages}, {paragraphs} citable paragraphs.",
    "zh": "语料库收有 {documents} 份联合国裁军文件（{versions} 个语言版本），共 {paragraphs} 个可引用段落。",
}
LANGUAGE_NAMES = {"zh": "Chinese 中文", "en": "English"}
SETTINGS_LINE = "Language model: {model} · passages per answer: {passages} · search results: {k}"
MODEL_NAMES = {
    LLM.LOCAL: "local model ({local_model})",
    LLM.OPENAI: "remote model ({remote})",
    LLM.NONE: "none — answers quote the best passages (extractive)",
}
NO_PARAGRAPH_IN_DOCUMENT = "no such paragraph in {document}: {locator}"
NO_DOCUMENT = "no document '{document}' in the index"
NOT_IN_LIBRARY = {"en": "There is no document “{document}” in the library: choose documents from "
                        "the list.",
                  "zh": "文件库中没有“{document}”，请从列表中选择文件。"}

# ---- the page: adding and removing documents (assistant/ui/library.py) ------------------------

BUSY = {"en": "Another upload is being indexed; try again when it has finished.",
        "zh": "另一批文件正在编入索引。"}
NOTHING_TO_ADD = "Nothing to add: upload a PDF, Word, HTML, text or Markdown file first."
TOO_MANY_FILES = "{name}: more than {limit} files in one upload; add the rest in another"
ADD_STOPPED = ("Stopped: {embedded} paragraphs embedded and kept; add the same files again to "
               "finish ({names}).")
ADDED = {"en": "Added {names}: {embedded} paragraphs embedded, {unchanged} unchanged. Ask about "
               "them now.",
         "zh": "已加入索引，现在即可提问。"}
CHOOSE_TO_REMOVE = "Choose a document to remove first."
REMOVED = {"en": "Removed {documents}.", "zh": "已删除。"}
REMOVED_DOCUMENT = "{name} ({lang}, {paragraphs} paragraphs)"
PREVIEW_COLUMNS = ("File", "Symbol", "Language", "Paragraphs", "Title", "")
PREVIEW_STATES = {"known": "update", "new": "new"}  # whether the document is indexed already
NO_SYMBOL = "(no symbol)"
LISTING_COLUMNS = ("Document", "Paragraphs", "Date", "Title")
INCOMPLETE = " (incomplete: add it again to finish)"
NO_DATE = "—"
# The library on the Documents tab, a heading per series: "General Assembly 联合国大会 (GA) · 4".
SERIES_HEADING = "{name} ({code}) · {documents}"
# What the page says while an answer is on its way (assistant/chain.py's steps), in the
# question's language; "checking the citations…" follows the model's draft (ANSWER_PANEL).
STEPS = {
    "en": {"searching": "searching the library…", "reading": "reading {passages} passages…"},
    "zh": {"searching": "正在检索文库……", "reading": "正在阅读 {passages} 段……"},
}
# Above the Documents tab's list, counted as the page's header counts (count_documents).
LIBRARY_SIZE = {"en": "{documents} documents, {versions} language versions",
                "zh": "{documents} 份文件，{versions} 个语言版本"}
# Where a paragraph's label says "counted" / "按顺序计数": what that means.
COUNTED_NOTE = {
    "en": "“counted”: the document prints no number there; the number is the paragraph's "
          "position, counted in reading order, and is not an official paragraph number.",
    "zh": "“按顺序计数”：文件在此处没有印出编号；该编号是按阅读顺序数出的段落位置，不是正式段落编号。",
}
OPEN_DOCUMENT_TITLE = "open at its first paragraph · 从第一段打开"  # a listed document's tooltip
EMPTY_LIBRARY = {"en": "No documents are indexed yet.", "zh": "索引中还没有文件。"}

# ---- the page: its title, tabs, controls and examples (assistant/ui/app.py) -------------------
# Labels in both languages are shown as both(…): "Send 发送" (the heading and the question
# box's placeholder put " · " between them).

PAGE_TITLE = "UN disarmament documents assistant"
HEADING = {"en": "UN disarmament documents", "zh": "联合国裁军文件问答"}
EXAMPLES = [
    "Does international humanitarian law apply to killer robots?",
    "What did the 2023 expert group conclude about human control?",
    "国际人道法适用于致命性自主武器系统吗？",
    "联大第 78/241 号决议要求秘书长做什么？",
]
LABELS = {
    # the Ask tab
    "ask_tab": {"en": "Ask", "zh": "提问"},
    "message": {"en": "Ask in Chinese or English", "zh": "用中文或英文提问"},
    "send": {"en": "Send", "zh": "发送"},
    "scope": {"en": "Search in (none chosen: all documents)", "zh": "检索范围（不选即全部文件）"},
    "new_conversation": {"en": "New conversation", "zh": "新对话"},
    "export": {"en": "Export answer (Markdown)", "zh": "导出"},
    "examples": {"en": "Examples", "zh": "示例"},
    "glossary": {"en": "Glossary", "zh": "术语表"},
    "export_box": {"en": "Export", "zh": "导出"},
    "sources": {"en": "Sources", "zh": "出处"},
    # the Documents tab
    "documents_tab": {"en": "Documents", "zh": "文件"},
    "cited": {"en": "Open a cited paragraph", "zh": "打开引用的段落"},
    "document": {"en": "Browse a document", "zh": "浏览文件"},
    "locator": {"en": "Paragraph (optional)", "zh": "段落"},
    "open": {"en": "Open", "zh": "打开"},
    "listing": {"en": "The library, by series (click a document to open it)",
                "zh": "文件库（按系列；点击文件即可打开）"},
    "library": {"en": "Add or remove documents", "zh": "添加或删除文件"},
    "uploads": {"en": "PDF, Word (.docx), HTML, text or Markdown · up to {max_mb} MB and "
                      "{max_files} files · NAME.meta.json beside NAME.pdf overrides what is "
                      "detected",
                "zh": "上传文件"},
    "add": {"en": "Add to index", "zh": "加入索引"},
    "stop": {"en": "Stop", "zh": "停止"},
    "remove_choice": {"en": "Remove a document", "zh": "删除文件"},
    "remove": {"en": "Remove", "zh": "删除"},
    # the Verify tab
    "verify_tab": {"en": "Verify a citation", "zh": "核对引文"},
    "citation": {"en": "Citation", "zh": "引文"},
    "check": {"en": "Check", "zh": "核对"},
    # the Trace tab
    "trace_tab": {"en": "Trace a theme", "zh": "主题追踪"},
    "theme": {"en": "Theme or question (Chinese or English)", "zh": "主题或问题（中文或英文）"},
    "trace_documents": {"en": "Documents (none chosen: all)", "zh": "文件（不选即全部）"},
    "trace": {"en": "Trace", "zh": "追踪"},
    "trace_this": {"en": "Trace this theme across the documents", "zh": "跨文件追踪这一主题"},
    "trace_question": {"en": "Ask about these rows", "zh": "就这些段落提问"},
    "trace_ask": {"en": "Ask", "zh": "提问"},
    "trace_markdown": {"en": "Download Markdown", "zh": "下载 Markdown"},
    "trace_csv": {"en": "Download CSV", "zh": "下载 CSV"},
}
# What the Trace tab says (assistant/ui/trace_tab.py, trace_html.py).
TRACE = {
    "empty": {"en": "Type a theme first, such as “human control”.",
              "zh": "请先输入主题，例如“人的控制”。"},
    "too_long": {"en": "The theme is {length} characters long; the limit is {limit}.",
                 "zh": "主题过长（{length} 个字符，上限 {limit}）。"},
    "no_words": {"en": "The theme has no words, only punctuation.", "zh": "主题中没有文字。"},
    "unknown": {"en": "There is no document “{document}” in the library: choose documents from "
                      "the list.",
                "zh": "文件库中没有“{document}”，请从列表中选择文件。"},
    "nothing": {"en": "No document in the library addresses “{theme}”.",
                "zh": "文件库中没有文件涉及“{theme}”。"},
    "found": {"en": "{addressed} of {documents} documents address “{theme}”, oldest first.",
              "zh": "{documents} 份文件中有 {addressed} 份涉及“{theme}”，按日期排列。"},
    "no_trace": {"en": "Trace a theme first, then ask about its rows.",
                 "zh": "请先追踪一个主题，再就其段落提问。"},
}
TRACE_ROW = {
    "en": {"silent": "silent on this theme", "views": "views submitted",
           "changed": "changed since {label}", "added": "added", "removed": "removed",
           "open": "open in its document"},
    "zh": {"silent": "未涉及这一主题", "views": "所载各方观点", "changed": "与{label}相比的变化",
           "added": "新增", "removed": "删去", "open": "在文件中打开"},
}
# The documents filter beside the question box (assistant/ui/scope_filter.py): a whole series,
# or one document (its symbol or title, and its series).
SERIES_CHOICE = "Series 系列 {code}: {en} {zh}"
DOCUMENT_CHOICE = "{name} ({code})"
TITLE_IN_CHOICE = 60  # characters of a title shown after a symbol

# Labels in English only, and placeholders that are examples rather than words.
CHAT_LABEL = "Conversation"
EXPORT_LABEL = "Latest answer"
DOWNLOAD_LABEL = "Download .md"
EMBEDDING_PROGRESS = "embedding"
LOCATOR_PLACEHOLDER = "21 (c)"
THEME_PLACEHOLDER = "human control · legal reviews of new weapons · 人的控制"
TRACE_QUESTION_PLACEHOLDER = "Why was “meaningful” dropped? · 为什么删去了“有意义的”？"
CITATION_PLACEHOLDER = "CCW/GGE.1/2023/2 para. 21 (c) · 第 21 段(c) · A/RES/78/241"

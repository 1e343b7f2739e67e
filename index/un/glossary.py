"""A small zh↔en glossary of disarmament terms.

Two uses: the keyword index cannot match "IHL" against "国际人道法", so `expand_query` adds the
other language's forms of every term a question names; and newcomers need words explained
(LAWS, CCW, GGE, IHL), which `find_terms` and the ``explain_*`` texts provide.

The terms are general to the field, not tuned to any test question. The first form in each tuple
is the preferred one (what an answer should use); abbreviations are listed as forms too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Term", "TERMS", "find_terms", "expand_query"]


@dataclass(frozen=True)
class Term:
    en: tuple[str, ...]
    zh: tuple[str, ...]
    explain_en: str
    explain_zh: str

    @property
    def preferred_en(self) -> str:
        return self.en[0]

    @property
    def preferred_zh(self) -> str:
        return self.zh[0]


TERMS: tuple[Term, ...] = (
    Term(
        ("lethal autonomous weapons systems", "LAWS", "lethal autonomous weapon systems",
         "lethal autonomous weapons system", "lethal autonomous weapon system",
         "killer robots", "killer robot"),
        ("致命性自主武器系统", "致命自主武器系统", "杀手机器人"),
        "Weapons systems that, once activated, select and engage targets without further human "
        "intervention; discussed under the CCW since 2014.",
        "一经启动即可在无进一步人类干预的情况下选择并攻击目标的武器系统；自 2014 年起在《特定常规武器公约》下讨论。",
    ),
    Term(
        ("autonomous weapons systems", "autonomous weapon systems", "AWS",
         "autonomous weapons", "autonomy in weapons systems"),
        ("自主武器系统", "自主武器", "武器系统的自主性"),
        "The broader category of weapons with autonomy in their critical functions.",
        "在关键功能上具有自主性的武器的总称。",
    ),
    Term(
        ("emerging technologies", "new and emerging technologies"),
        ("新兴技术", "新技术和新兴技术"),
        "New technologies, such as artificial intelligence and autonomy, whose military use is "
        "under discussion.",
        "人工智能、自主性等正在讨论其军事用途的新技术。",
    ),
    Term(
        ("CCW", "Convention on Certain Conventional Weapons",
         "Convention on Prohibitions or Restrictions on the Use of Certain Conventional Weapons"),
        ("《特定常规武器公约》", "特定常规武器公约", "《公约》",
         "《禁止或限制使用某些可被认为具有过分伤害力或滥杀滥伤作用的常规武器公约》"),
        "The 1980 Convention on Certain Conventional Weapons; its protocols restrict specific "
        "weapons, and its GGE discusses LAWS.",
        "1980 年《特定常规武器公约》；其各项议定书限制特定武器，其政府专家组讨论致命性自主武器系统。",
    ),
    Term(
        ("international humanitarian law", "IHL", "law of armed conflict", "LOAC"),
        ("国际人道法", "国际人道主义法", "武装冲突法"),
        "The law that governs the conduct of hostilities and protects people in armed conflict.",
        "规范敌对行为、在武装冲突中保护人员的法律。",
    ),
    Term(
        ("international law",),
        ("国际法",),
        "The law between States, including the UN Charter, treaties and customary law.",
        "国家之间的法律，包括《联合国宪章》、条约和习惯法。",
    ),
    Term(
        ("international human rights law", "human rights law", "IHRL"),
        ("国际人权法", "人权法"),
        "The law that protects individuals' rights at all times, in peace and in war.",
        "在和平与战争时期始终保护个人权利的法律。",
    ),
    Term(
        ("Group of Governmental Experts", "GGE", "governmental experts"),
        ("政府专家组", "专家组"),
        "A body of State experts set up to study an issue; the CCW GGE on LAWS is the best known.",
        "由各国专家组成、研究某一问题的机构；最有名的是《特定常规武器公约》致命性自主武器系统政府专家组。",
    ),
    Term(
        ("Conference on Disarmament", "CD"),
        ("裁军谈判会议", "裁谈会"),
        "The single multilateral disarmament negotiating forum of the international community, "
        "in Geneva.",
        "国际社会唯一的多边裁军谈判论坛，设在日内瓦。",
    ),
    Term(
        ("General Assembly", "UNGA"),
        ("大会", "联合国大会", "联大"),
        "The main deliberative organ of the United Nations, where all Member States sit.",
        "联合国的主要审议机构，全体会员国均为成员。",
    ),
    Term(
        ("First Committee", "Disarmament and International Security Committee"),
        ("第一委员会", "裁军和国际安全委员会"),
        "The General Assembly committee that deals with disarmament and international security.",
        "负责裁军和国际安全问题的联合国大会委员会。",
    ),
    Term(
        ("Secretary-General", "Secretary General", "UNSG"),
        ("秘书长",),
        "The chief administrative officer of the UN (or of a conference such as the CD).",
        "联合国(或裁军谈判会议等会议)的最高行政官员。",
    ),
    Term(
        ("High Contracting Parties", "High Contracting Party", "States parties", "State party"),
        ("缔约方", "缔约国"),
        "States that have agreed to be bound by a treaty.",
        "同意受条约约束的国家。",
    ),
    Term(
        ("Meeting of the High Contracting Parties", "Meeting of High Contracting Parties", "MSP"),
        ("缔约方会议",),
        "The yearly meeting of the parties to the CCW, which takes its decisions.",
        "《特定常规武器公约》缔约方的年度会议，由其作出决定。",
    ),
    Term(
        ("Review Conference",),
        ("审查会议",),
        "A conference of the parties, every few years, that reviews how a treaty operates.",
        "缔约方每隔几年举行的、审查条约运作情况的会议。",
    ),
    Term(
        ("Guiding Principles",),
        ("指导原则",),
        "The 11 principles on LAWS affirmed by the GGE and endorsed by the CCW parties in 2019.",
        "政府专家组确认、2019 年《特定常规武器公约》缔约方核可的关于致命性自主武器系统的 11 项原则。",
    ),
    Term(
        ("human-machine interaction", "human–machine interaction", "human machine interaction"),
        ("人机交互", "人机互动"),
        "How people and a weapon system work together, across the system's life cycle.",
        "人与武器系统在其整个生命周期中如何协同工作。",
    ),
    Term(
        ("meaningful human control", "human control", "human judgement", "human judgment"),
        ("有意义的人类控制", "人类控制", "人的控制", "人类判断"),
        "The degree of human involvement needed over the use of force by a weapon system.",
        "对武器系统使用武力所需的人类参与程度。",
    ),
    Term(
        ("accountability",),
        ("问责", "问责制"),
        "Being answerable for the use of a weapon; it cannot be transferred to machines.",
        "对武器的使用承担责任；问责不能转移给机器。",
    ),
    Term(
        ("human responsibility",),
        ("人的责任", "人类责任"),
        "Responsibility for decisions on the use of weapons must stay with humans.",
        "使用武器的决定责任必须由人承担。",
    ),
    Term(
        ("life cycle", "lifecycle", "life-cycle"),
        ("生命周期",),
        "All stages of a weapon system: design, development, testing, deployment and use.",
        "武器系统的所有阶段：设计、开发、测试、部署和使用。",
    ),
    Term(
        ("distinction", "principle of distinction"),
        ("区分", "区分原则"),
        "The IHL rule that attacks may only be directed at combatants and military objectives.",
        "国际人道法规则：攻击只能针对战斗员和军事目标。",
    ),
    Term(
        ("proportionality", "principle of proportionality"),
        ("相称性", "相称原则", "比例原则"),
        "The IHL rule against attacks whose expected civilian harm is excessive to the military "
        "advantage.",
        "国际人道法规则：禁止预期平民损害与军事利益相比过分的攻击。",
    ),
    Term(
        ("precautions", "precaution", "precautions in attack"),
        ("预防", "预防措施", "预防原则"),
        "The IHL duty to take feasible precautions to spare civilians in attack.",
        "国际人道法义务：在攻击中采取可行的预防措施以避免平民受害。",
    ),
    Term(
        ("weapons review", "weapon review", "legal review", "legal review of new weapons",
         "Article 36 review"),
        ("新武器审查", "武器审查", "法律审查"),
        "The duty to determine whether a new weapon, means or method of warfare would be "
        "prohibited by international law.",
        "确定新的武器、作战手段或方法是否为国际法所禁止的义务。",
    ),
    Term(
        ("International Committee of the Red Cross", "ICRC", "Red Cross"),
        ("红十字国际委员会", "红十字委员会"),
        "The humanitarian organization that guards IHL; an observer in CCW meetings.",
        "维护国际人道法的人道组织；《特定常规武器公约》会议的观察员。",
    ),
    Term(
        ("United Nations Institute for Disarmament Research", "UNIDIR"),
        ("联合国裁军研究所", "裁研所"),
        "The UN's autonomous research institute on disarmament, in Geneva.",
        "联合国在日内瓦的自主裁军研究机构。",
    ),
    Term(
        ("Office for Disarmament Affairs", "UNODA"),
        ("裁军事务厅",),
        "The UN Secretariat office that supports disarmament work.",
        "支持裁军工作的联合国秘书处部门。",
    ),
    Term(
        ("working group",),
        ("工作组",),
        "A body set up by a conference to work on one issue.",
        "会议为处理某一问题而设立的机构。",
    ),
    Term(
        ("open-ended working group", "OEWG"),
        ("不限成员名额工作组",),
        "A working group open to all Member States.",
        "向所有会员国开放的工作组。",
    ),
    Term(
        ("Friend of the Chair", "Friends of the Chair"),
        ("主席之友",),
        "A delegate who helps the Chair by leading consultations on one topic.",
        "协助主席就某一专题主持磋商的代表。",
    ),
    Term(
        ("Chair", "Chairperson", "Chairman"),
        ("主席",),
        "The person who presides over a meeting or body.",
        "主持会议或机构的人。",
    ),
    Term(
        ("way ahead", "way forward"),
        ("前进道路", "前进方向"),
        "In the CD, the working group seeking a path out of its long deadlock.",
        "裁军谈判会议中为摆脱长期僵局而寻找出路的工作组议题。",
    ),
    Term(
        ("agenda item",),
        ("议程项目",),
        "A numbered topic on a meeting's agenda.",
        "会议议程上编号的议题。",
    ),
    Term(
        ("programme of work", "program of work"),
        ("工作计划", "工作方案"),
        "What a body (notably the CD) agrees to work on in a session.",
        "某机构(特别是裁军谈判会议)在一届会议中商定开展的工作。",
    ),
    Term(
        ("consensus", "by consensus"),
        ("协商一致", "以协商一致方式"),
        "Agreement without a vote, when no delegation objects.",
        "在无代表团反对的情况下不经表决达成的一致。",
    ),
    Term(
        ("information and communications technologies", "ICT", "ICTs",
         "information and communication technologies"),
        ("信通技术", "信息和通信技术", "信息通信技术"),
        "Computing and communication technologies, discussed for their use in security.",
        "计算和通信技术，其在安全领域的使用正在讨论中。",
    ),
    Term(
        ("cyber", "cyberspace", "cybersecurity", "cyber-security", "cyber security"),
        ("网络", "网络空间", "网络安全"),
        "The digital domain of networks and computers, and its security.",
        "网络和计算机构成的数字领域及其安全。",
    ),
    Term(
        ("cyber warfare", "cyberwarfare", "cyberwar", "cyber war"),
        ("网络战",),
        "Hostile operations against or through computer networks.",
        "针对或通过计算机网络进行的敌对行动。",
    ),
    Term(
        ("terrorism", "terrorist", "terrorists"),
        ("恐怖主义", "恐怖分子"),
        "Violence against civilians for political ends; a risk when weapons reach terrorists.",
        "为政治目的针对平民的暴力；武器落入恐怖分子手中的风险。",
    ),
    Term(
        ("non-State actors", "non-State actor"),
        ("非国家行为者", "非国家行为体"),
        "Groups that are not States, such as terrorist organizations.",
        "恐怖组织等非国家团体。",
    ),
    Term(
        ("weapons of mass destruction", "WMD", "WMDs"),
        ("大规模毁灭性武器",),
        "Nuclear, chemical, biological and radiological weapons.",
        "核武器、化学武器、生物武器和放射性武器。",
    ),
    Term(
        ("radiological weapons", "radiological weapon"),
        ("放射性武器",),
        "Weapons that spread radioactive material without a nuclear explosion.",
        "不经核爆炸而散布放射性物质的武器。",
    ),
    Term(
        ("chemical and biological terrorism",),
        ("化学和生物恐怖主义",),
        "Terrorist use of chemical or biological agents.",
        "恐怖分子使用化学或生物剂。",
    ),
    Term(
        ("chemical weapons", "chemical weapon"),
        ("化学武器",),
        "Weapons using toxic chemicals; banned by the Chemical Weapons Convention.",
        "使用有毒化学品的武器；《化学武器公约》予以禁止。",
    ),
    Term(
        ("biological weapons", "biological weapon"),
        ("生物武器",),
        "Weapons using disease agents or toxins; banned by the Biological Weapons Convention.",
        "使用病原体或毒素的武器；《生物武器公约》予以禁止。",
    ),
    Term(
        ("nuclear weapons", "nuclear weapon"),
        ("核武器",),
        "Weapons whose force comes from nuclear reactions.",
        "依靠核反应产生威力的武器。",
    ),
    Term(
        ("nuclear disarmament",),
        ("核裁军",),
        "Reducing and eliminating nuclear weapons.",
        "裁减并消除核武器。",
    ),
    Term(
        ("disarmament",),
        ("裁军",),
        "Reducing or eliminating weapons by agreement.",
        "通过协议裁减或消除武器。",
    ),
    Term(
        ("arms race",),
        ("军备竞赛",),
        "States competing to build up their weapons.",
        "国家之间竞相扩充军备。",
    ),
    Term(
        ("proliferation", "non-proliferation"),
        ("扩散", "不扩散"),
        "The spread of weapons or their technology to more States or actors.",
        "武器或其技术向更多国家或行为者扩散。",
    ),
    Term(
        ("artificial intelligence", "AI"),
        ("人工智能",),
        "Computer systems performing tasks that usually need human intelligence.",
        "执行通常需要人类智能的任务的计算机系统。",
    ),
    Term(
        ("resolution", "resolutions"),
        ("决议",),
        "A formal decision of a UN body, such as a General Assembly resolution.",
        "联合国机构的正式决定，例如大会决议。",
    ),
    Term(
        ("Charter of the United Nations", "United Nations Charter", "UN Charter"),
        ("《联合国宪章》", "联合国宪章"),
        "The founding treaty of the United Nations.",
        "联合国的创始条约。",
    ),
    Term(
        ("United Nations", "UN"),
        ("联合国",),
        "The international organization of 193 Member States.",
        "由 193 个会员国组成的国际组织。",
    ),
    Term(
        ("Member States", "Member State"),
        ("会员国",),
        "States that are members of the United Nations.",
        "联合国的成员国。",
    ),
    Term(
        ("Human Rights Council",),
        ("人权理事会",),
        "The UN body that promotes and protects human rights.",
        "促进和保护人权的联合国机构。",
    ),
    Term(
        ("legally binding instrument", "legally-binding instrument", "binding instrument"),
        ("具有法律约束力的文书", "法律约束力文书"),
        "A treaty or other text that creates obligations under international law.",
        "在国际法上产生义务的条约或其他文书。",
    ),
    Term(
        ("protocol", "protocols"),
        ("议定书",),
        "A treaty attached to a convention; the CCW has five.",
        "附属于公约的条约；《特定常规武器公约》有五项议定书。",
    ),
    Term(
        ("working paper", "working papers"),
        ("工作文件",),
        "A paper a delegation submits to a meeting to put forward a proposal or view.",
        "代表团向会议提交、提出建议或观点的文件。",
    ),
    Term(
        ("civil society",),
        ("民间社会",),
        "Non-governmental organizations, academia and other non-State participants.",
        "非政府组织、学术界和其他非国家参与者。",
    ),
    Term(
        ("ethics", "ethical perspectives", "ethical considerations", "ethical"),
        ("伦理", "伦理观", "道德"),
        "Moral considerations beyond the law, raised about delegating life-and-death decisions.",
        "法律之外的道德考虑，涉及将生死决定交给机器的问题。",
    ),
    Term(
        ("risk assessment", "risk assessments", "risk mitigation", "mitigation measures"),
        ("风险评估", "缓解措施", "减少风险"),
        "Identifying and reducing the risks of a weapon system before and during use.",
        "在使用武器系统之前和期间识别并减少风险。",
    ),
    Term(
        ("use of force",),
        ("使用武力",),
        "The application of armed force, governed by the UN Charter and IHL.",
        "动用武装力量，受《联合国宪章》和国际人道法约束。",
    ),
    Term(
        ("anthropomorphize", "anthropomorphized", "anthropomorphization", "anthropomorphism"),
        ("拟人化",),
        "Attributing human traits to machines; the Guiding Principles warn against it in policy.",
        "把人的特征赋予机器；《指导原则》提醒在拟订政策时不应如此。",
    ),
    Term(
        ("military necessity",),
        ("军事必要", "军事必要性"),
        "The IHL principle permitting measures needed to achieve a legitimate military aim.",
        "国际人道法中允许为实现正当军事目的而采取必要措施的原则。",
    ),
    Term(
        ("command and control", "chain of command"),
        ("指挥和控制", "指挥链"),
        "The authority and lines through which military forces are directed.",
        "指挥军事力量的权力和层级关系。",
    ),
    Term(
        ("peaceful uses",),
        ("和平利用", "和平用途"),
        "Civilian, non-military uses of a technology.",
        "技术的民用、非军事用途。",
    ),
    Term(
        ("means and methods of warfare", "methods of warfare", "means of warfare"),
        ("作战手段和方法", "作战方法", "作战手段"),
        "Weapons (means) and the way they are used (methods) in armed conflict.",
        "武装冲突中的武器（手段）及其使用方式（方法）。",
    ),
    Term(
        ("armed conflict", "armed conflicts"),
        ("武装冲突",),
        "Hostilities between States or organised armed groups, governed by IHL.",
        "国家之间或有组织武装团体之间的敌对行动，受国际人道法管辖。",
    ),
    Term(
        ("observer States", "observers", "observer"),
        ("观察员国", "观察员"),
        "States that take part in a meeting without being parties or members.",
        "以非缔约方或非成员身份参加会议的国家。",
    ),
    Term(
        ("provisional agenda",),
        ("临时议程",),
        "The agenda proposed for a session before the meeting adopts it.",
        "会议通过之前为一届会议拟议的议程。",
    ),
    Term(
        ("Pugwash Conferences", "Pugwash"),
        ("帕格沃希会议", "帕格沃希"),
        "Pugwash Conferences on Science and World Affairs, an NGO working on disarmament.",
        "帕格沃希科学和世界事务会议，一个致力于裁军的非政府组织。",
    ),
)

# All-capital forms that spell an ordinary word in lower case ("laws", "un", "ai") only match in
# capitals; other English forms match in any case.
_CASE_SENSITIVE = {"LAWS", "UN", "AI", "CD", "AWS", "MSP"}


def _en_pattern(form: str) -> str:
    body = re.escape(form).replace(r"\ ", r"\s+")
    # A plural "s"/"es" still names the term ("resolutions", "working groups").
    return r"(?<![A-Za-z0-9])" + body + r"(?:s|es)?(?![A-Za-z0-9])"


@lru_cache(maxsize=1)
def _matchers() -> list[tuple[re.Pattern, Term, str]]:
    """One compiled pattern per form, longest first so "化学和生物恐怖主义" beats "恐怖主义"."""
    forms = [(form, term, "en") for term in TERMS for form in term.en]
    forms += [(form, term, "zh") for term in TERMS for form in term.zh]
    forms.sort(key=lambda f: -len(f[0]))
    out = []
    for form, term, lang in forms:
        if lang == "zh":
            pattern = re.compile(re.escape(form))
        elif form in _CASE_SENSITIVE:
            pattern = re.compile(_en_pattern(form))
        else:
            pattern = re.compile(_en_pattern(form), re.IGNORECASE)
        out.append((pattern, term, lang))
    return out


def _matches(text: str) -> list[tuple[int, Term, str]]:
    """(position, term, language of the matched form), a longer match hiding shorter ones."""
    taken = [False] * (len(text) + 1)
    found: list[tuple[int, Term, str]] = []
    for pattern, term, lang in _matchers():
        for m in pattern.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            for i in range(m.start(), m.end()):
                taken[i] = True
            found.append((m.start(), term, lang))
    return sorted(found, key=lambda f: f[0])


def find_terms(text: str) -> list[Term]:
    """Glossary terms named in ``text`` (either language), in order of appearance."""
    seen: dict[Term, None] = {}
    for _, term, _ in _matches(text or ""):
        seen.setdefault(term, None)
    return list(seen)


def expand_query(text: str) -> str:
    """The other language's forms of every glossary term in ``text``; "" when none.

    "Does IHL apply?" -> "国际人道法 国际人道主义法 武装冲突法". Forms already in ``text`` are
    not repeated. Meant to be appended to a keyword query, not shown to users.
    """
    extra: dict[str, None] = {}
    lowered = (text or "").lower()
    for _, term, lang in _matches(text or ""):
        for form in term.zh if lang == "en" else term.en:
            if form.lower() not in lowered:
                extra.setdefault(form, None)
    return " ".join(extra)


# Informal names newcomers use for a term. A question is searched with the formal name in their
# place, or "does international law apply to killer robots?" finds the NGO "Campaign to Stop
# Killer Robots" instead of the conclusions on LAWS. Capitalised, the words are a proper name
# and stay as they are.
INFORMAL: dict[str, str] = {
    "killer robots": "lethal autonomous weapons systems",
    "killer robot": "lethal autonomous weapons system",
    "autonomous killing machines": "lethal autonomous weapons systems",
    "杀手机器人": "致命性自主武器系统",
    "杀人机器人": "致命性自主武器系统",
}


def formalize(text: str) -> str:
    """Replace informal names ("killer robots") with the term's formal name."""
    for informal, formal in INFORMAL.items():
        if informal.isascii():
            pattern = re.compile(rf"\b{re.escape(informal)}\b")  # lower case only: not a name
        else:
            pattern = re.compile(re.escape(informal))
        text = pattern.sub(formal, text)
    return text

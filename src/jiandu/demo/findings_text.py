"""Chinese wording of the demo round: its inspection findings, by leaf category of the
taxonomy (migration inspections/0002_taxonomy), and at the end the texts of its
transfers and feedback. All of it is fictional: the units come from the demo's made-up
names, the figures from a seeded random generator.

`_TEXT` holds the templates: "# A1" opens a category; "@ source [soe|dep] [severity]
[leaders]" opens a template (source: Finding.Source; soe/dep: only for enterprise
groups / departments, else both; severity: Finding.Severity before a small random
shift, general if absent; leaders: the finding names the unit's leading cadres); the
next line is the title and the following lines, joined, the description.

Placeholders filled by `compose`: {unit} the target's short name, {sub} one of its
subordinate units, {proj} a project, {year} a recent year, {n} < {m} small counts,
{k} and {k2} larger counts, {amt} an amount in 万元, {big} an amount in 亿元,
{pct} < {pct2} percentages, {ratio} < {ratio2} debt ratios, {low} a small percentage,
{age} an age."""

from __future__ import annotations

import random
from dataclasses import dataclass

_TEXT = """
# A1
@ documents serious leaders
落实“第一议题”制度不到位，学习贯彻习近平总书记重要指示批示精神存在温差落差
{unit}党委（党组）会议“第一议题”学习以读文件为主，研究贯彻落实的具体举措不多；
{year}年以来传达学习的{k}项重要指示批示中，有{m}项未结合实际制定落实措施，
{n}项措施未跟踪问效。
@ documents soe serious
偏离主责主业，盲目拓展非主业投资
{sub}在未充分论证的情况下涉足房地产、商贸等非主业领域，{year}年以来非主业投资累计{big}亿元，
占同期投资总额的{pct}%，其中{n}个项目持续亏损。
@ data_model soe
主业核心竞争力不强，主营业务收入占比下降
{unit}主营业务收入占比由{year}年的{pct2}%下降至{pct}%，主业利润贡献率不高，“大而不强、
多而不精”的问题仍然存在。
@ interview
服务全省重大战略部署站位不高，重点任务推进滞后
{unit}对省委、省政府确定的重点任务研究不深、谋划不实，
{year}年承担的{m}项重点任务中有{n}项未按计划完成，{proj}建设进度滞后{n}个月。
@ documents dep
履行行业管理主责聚焦不够，规划引领作用发挥不充分
{unit}在行业规划、标准制定等核心职能上投入不足，
{year}年应出台的{m}项专项规划中有{n}项逾期未印发，部分政策“上热中温下冷”。
@ data_model
重大项目谋划储备不足，投资结构不优
{unit}项目储备库中前期工作成熟的项目仅占{pct}%，{year}年计划投资完成率为{pct2}%，
{proj}等{n}个项目长期停留在论证阶段。
# A2
@ data_model soe
研发投入强度偏低，科技创新主体作用发挥不够
{unit}{year}年研发经费投入强度仅为{low}%，低于省属企业平均水平；
所属{m}户高新技术企业中有{n}户研发投入未达认定标准。
@ documents soe
科技成果转化率不高，创新链产业链衔接不紧
近三年{unit}形成专利{k}项，实现转化应用的仅{n}项；
{sub}承担的{m}个科研项目验收后未形成实际生产能力。
@ interview
数字化转型推进缓慢，信息化项目“重建设轻应用”
{unit}投入{amt}万元建设的{proj}信息系统上线后使用率不足{pct}%，{n}个业务子系统数据未互联互通，
存在“信息孤岛”。
@ interview
科技人才引育机制不健全，高层次人才流失
{unit}科研人员占职工总数的比例仅为{pct}%，{year}年以来引进的{m}名高层次人才中已有{n}名离职，
科技人员激励办法未落地。
@ documents dep
推动行业科技创新的政策支撑不足，专项资金闲置
{unit}牵头制定的{m}项科技创新扶持政策中有{n}项未出台实施细则，
科技专项资金{amt}万元闲置超过一年。
# A3
@ documents soe serious leaders
对下属企业投资项目监管缺位，部分项目未履行可行性研究程序即决策上马
{sub}投资{amt}万元建设{proj}，未开展可行性研究，也未按规定报集团审批；
项目建成后产能利用率仅{pct}%，集团相关部门未及时发现和纠正。
@ documents soe
对参股企业和混改企业管控薄弱
{unit}{m}户参股企业长期未分红，其中{n}户连续三年亏损；派出董事、监事未有效履职，
重大事项未按规定报告。
@ data_model soe
管理层级过多，“僵尸企业”处置不彻底
{unit}管理层级仍有五级以上，{n}户停业多年的子企业未按期清理注销，账面资产{amt}万元长期闲置。
@ data_model
对所属单位财务监管不严，存在资金体外循环
{sub}{year}年存在资金体外循环问题，涉及金额{amt}万元；
上级财务部门对下属单位资金流向监控不到位，未及时发现。
@ petition dep
对直属单位监督管理不到位
{sub}违规开展经营性活动，收取服务费{amt}万元；{unit}对直属单位的年度考核流于形式，
{n}项问题未督促整改。
# A4
@ data_model soe serious
债务风险管控不力，资产负债率持续攀升
{unit}资产负债率由{year}年的{ratio}%上升至{ratio2}%，超过监管警戒线；
{sub}短期借款用于长期投资，“短贷长投”金额{big}亿元。
@ documents
应收账款清收不力，坏账风险加大
{unit}应收账款余额{big}亿元，其中账龄三年以上的{amt}万元；{n}笔大额欠款未采取法律措施，
存在坏账风险。
@ data_model soe serious leaders
违规开展融资性贸易，存在“空转”“走单”风险
{sub}与无实际经营能力的民营企业开展“空转”“走单”贸易，累计金额{big}亿元，
其中{amt}万元货款逾期未收回。
@ documents
安全生产主体责任落实不到位
{unit}{year}年以来发生一般生产安全事故{n}起，隐患排查整治走过场，{m}项重大隐患未按期整改销号。
@ documents soe serious
违规对外提供担保和出借资金
{sub}未经集体决策为非国有企业提供担保{amt}万元，对外出借资金未签订借款合同，存在较大损失风险。
@ interview dep
行业领域风险监测预警机制不健全
{unit}对行业风险底数掌握不清，{m}类风险隐患未建立台账，
{year}年发生的{n}起突发事件均未提前预警。
@ documents dep
专项资金使用效益不高，存在损失浪费风险
{unit}管理的{m}个专项资金项目中，{n}个项目绩效目标设置不合理，{amt}万元资金沉淀未用。
# B1
@ documents leaders
履行全面从严治党主体责任不够有力，压力传导层层递减
{unit}{year}年党委（党组）专题研究全面从严治党工作仅{n}次，主体责任清单内容空泛；
对所属单位的考核“一团和气”，{m}个单位考核等次与实际不符。
@ interview leaders
“一岗双责”落实不到位，分管领域廉政风险排查流于形式
{unit}班子成员对分管领域廉政风险排查流于形式，
{n}名班子成员未按要求与分管部门负责人开展廉政谈话，廉政风险防控手册多年未更新。
@ documents
监督责任履行不够到位，监督执纪存在“宽松软”
{year}年以来{unit}纪检机构处置问题线索{k}件，其中谈话函询了结{m}件，运用第一种形态占比偏高，
对{n}件反映集中的问题未深入核查。
@ documents
意识形态工作责任制落实不到位
{unit}对所属单位意识形态阵地管理不严，{n}个微信公众号未纳入备案管理，
{year}年未按要求开展意识形态领域风险研判。
@ interview
警示教育针对性不强，以案促改不深入
{unit}对本单位发生的{n}起违纪违法案件未深入剖析，查摆的{m}项制度漏洞至今未修订完善，
警示教育“一阵风”。
# B2
@ data_model serious
招投标管理不规范，存在规避公开招标、围标串标风险
{sub}{year}年以来将{n}个应公开招标的项目拆分为多个小额项目直接发包，涉及金额{amt}万元；
部分项目投标单位法定代表人、联系人存在关联关系。
@ documents serious
工程建设领域廉洁风险突出，变更签证管理失控
{proj}项目设计变更{k}次，变更金额{amt}万元，占合同价的{pct}%；{n}项变更未经审批先行施工。
@ data_model soe
物资采购管理存在漏洞，供应商选择随意
{unit}集中采购率仅为{pct}%，{sub}长期向{n}家固定供应商采购，采购价格平均高于市场价{n}个百分点，
询价比价流于形式。
@ documents
财务审批制度执行不严，大额资金支付缺乏制约
{unit}{n}笔大额资金支付未经集体研究，合计{amt}万元；财务审批存在“一支笔”现象，
事后补签审批单据。
@ documents dep serious
资金分配和项目审批权力运行监督不到位
{unit}分配专项资金{big}亿元，{n}个项目的评审专家由业务处室自行指定，评审意见雷同，
资金分配缺乏集体决策。
@ petition
国有资产出租出借管理不规范
{sub}{m}处房产未经评估、未公开招租即低价出租，年租金低于市场价约{amt}万元，
部分承租方与管理人员存在关联。
# B3
@ documents serious
违规发放津补贴、公款吃喝问题仍有发生
{sub}{year}年以来以加班费、专项奖励名义违规发放津补贴{amt}万元；{n}次公务接待超标准、超范围，
接待清单与实际不符。
@ interview
形式主义、官僚主义问题仍然存在，基层负担较重
{unit}{year}年印发文件{k}件、召开会议{k2}次，调研走过场；要求基层填报的报表多达{m}类，
重复报送、多头报送问题突出。
@ data_model
公务用车管理不规范，存在公车私用
{unit}{n}辆公务用车存在节假日私用情况，车辆运行费用未单车核算，{year}年车辆维修费用{amt}万元。
@ documents leaders
领导人员办公用房超标准、违规配备
{unit}{n}名领导人员办公用房面积超标，{sub}违规为领导人员配备休息室，上轮巡视后仍未整改到位。
@ documents
以会议培训名义变相公款旅游
{sub}以会议培训名义在风景名胜区组织活动{n}次，参加人员{k}人次，费用{amt}万元，
部分活动与培训主题无关。
@ petition
违规购买购物卡、发放节日福利
{unit}{year}年以工会福利名义违规购买购物卡、节礼，合计{amt}万元，发放范围超出规定对象。
# B4
@ petition grave leaders
个别领导人员利用职务便利为亲属经营活动谋利
巡视组收到反映{sub}原主要负责人利用职务便利，为其亲属控制的企业承揽工程、
供应物资提供帮助的问题线索{n}件，涉及合同金额{amt}万元。
@ petition serious leaders
个别领导人员收受管理服务对象礼品礼金
群众反映{unit}个别领导人员逢年过节收受管理服务对象礼品礼金，{year}年以来相关信访举报{n}件。
@ documents soe grave leaders
低价转让国有资产，造成国有资产流失
{sub}以明显低于评估价的价格向民营企业转让{proj}股权，造成国有资产损失约{amt}万元，
相关决策人员涉嫌利益输送。
@ data_model serious
“靠企吃企”问题仍有发生，供应商选择中存在利益输送嫌疑
数据比对发现{sub}{n}家供应商的股东与本单位员工存在亲属关系，{year}年以来向其采购{amt}万元。
@ petition dep grave leaders
在审批监管中存在权力寻租风险
{unit}个别干部在项目审批、资质认定中“吃拿卡要”，{year}年以来相关举报{n}件，
{m}名干部与监管对象存在不正当经济往来。
# C1
@ documents serious leaders
民主集中制执行不到位，“三重一大”决策制度落实不严
{unit}{year}年以来有{n}项重大事项未经党委（党组）会议前置研究即作出决定，涉及金额{amt}万元；
个别议题临时动议、会上通报代替集体决策。
@ documents leaders
民主生活会批评与自我批评“辣味”不足
{unit}{year}年度民主生活会班子成员相互批评意见{m}条，其中{n}条为工作建议，批评“隔靴搔痒”，
整改措施笼统。
@ documents soe
党的领导融入公司治理不到位
{unit}所属{sub}等{n}户子企业未将党建工作要求写入公司章程，
党组织前置研究讨论重大经营管理事项清单未制定。
@ interview leaders
班子担当作为不够，解决历史遗留问题存在“等靠”思想
对{proj}等{n}个历史遗留问题，{unit}领导班子研究推动不够，问题延宕{n}年以上未解决。
@ documents
班子成员分工调整频繁，议事规则不健全
{unit}{year}年以来班子成员分工调整{n}次，党委（党组）议事规则多年未修订，与现行规定不相符。
# C2
@ documents serious leaders
选人用人把关不严
{unit}{year}年以来提拔使用的{k}名干部中，{n}名存在档案材料不全、任前公示不规范等问题，
个别干部“带病提拔”。
@ data_model
干部队伍结构不优，年轻干部培养储备不足
{unit}中层管理人员平均年龄{age}岁，35岁以下年轻干部仅占{pct}%，{n}个关键岗位后备人选空缺。
@ documents
干部监督管理宽松，个人有关事项报告不如实
{unit}领导干部个人有关事项报告抽查核实中发现{n}人漏报房产、投资等事项，均未作出处理。
@ petition soe
违规进人，用工管理不规范
{sub}{year}年未经公开招聘程序进人{n}名，其中{m}名系本单位干部职工亲属；
劳务派遣人员占比达{pct}%。
@ data_model
重点岗位人员交流轮岗不到位
{unit}财务、采购等重点岗位{n}名人员任职超过五年未交流，轮岗制度执行“打折扣”。
# C3
@ documents
基层党组织“三会一课”制度落实不到位
抽查{unit}所属{k}个基层党支部，其中{n}个支部存在“三会一课”记录不全、以业务会代替党课等问题。
@ interview
党建与业务“两张皮”，党建工作融合不深
{unit}党建考核指标与中心工作关联度不高，{sub}党支部{year}年组织生活{m}次均未研究业务工作。
@ documents
基层党组织未按期换届，组织设置不规范
{unit}所属{n}个基层党组织未按期换届，{m}个党支部书记长期空缺。
@ documents
党员教育管理不严格，党费收缴不规范
{unit}{n}名党员少交党费，发展党员程序不规范，{m}份入党材料存在补签、代签。
@ interview soe
新业态和混改企业党的组织覆盖不到位
{unit}{n}户混合所有制企业未建立党组织，项目一线党员作用发挥不明显。
# D1
@ documents serious leaders
上轮巡视反馈的问题整改不彻底、存在反弹回潮
上轮巡视反馈的{k}个问题中，{unit}有{n}个问题整改未完成，已销号的{m}个问题出现反弹回潮，
违规发放津补贴等问题再次发生。
@ documents leaders
巡视整改主体责任落实不到位
{unit}整改方案中{m}项措施未明确责任人和完成时限，主要负责人对整改工作研究部署少，
{year}年仅召开整改专题会{n}次。
@ interview serious
以制度代整改，表面整改、虚假整改问题仍然存在
{unit}报送的整改材料中，{n}个问题以印发文件作为整改结果，{m}项整改佐证材料与实际情况不符。
@ documents
巡视移交问题线索办理不及时
上轮巡视移交{unit}的{k}件问题线索中，{n}件未按期办结，办理结果未按规定反馈。
@ interview
整改长效机制建立不够
{unit}针对上轮巡视问题建立完善的{m}项制度中，{n}项未得到执行，同类问题在{sub}重复发生。
# D2
@ documents
审计发现问题整改不到位
{year}年度审计指出{unit}的{k}个问题中，{n}个问题未整改到位，涉及金额{amt}万元。
@ documents
内部审计发现问题整改率低
{unit}内部审计发现问题{k}个，整改率仅为{pct2}%，对{n}起违规问题未追究相关人员责任。
@ documents
纪检监察建议书落实不到位
纪检监察机关向{unit}发出的纪检监察建议书提出{m}项整改建议，其中{n}项未落实，
相关制度漏洞未堵塞。
@ documents soe
出资人监管检查发现问题整改不及时
国资监管机构专项检查指出{sub}的{m}个问题中，{n}个问题逾期未整改，涉及资产{amt}万元。
@ interview
主题教育检视问题整改落实不够
{unit}主题教育检视整改清单中{m}项问题仍处于整改中，{n}项问题整改结果群众满意度不高。
@ documents dep
财会监督检查发现问题整改不彻底
财会监督专项检查指出{unit}{m}类问题，{sub}违规列支费用{amt}万元至今未追回。
"""

SOURCES = frozenset({"interview", "documents", "petition", "data_model", "other"})
SEVERITY_LADDER = ["minor", "general", "serious", "grave"]
PROJECTS = [
    "综合物流园",
    "智慧能源站",
    "产业园二期",
    "总部大楼改扩建",
    "数字化管理平台",
    "生产基地技改",
    "供应链协同平台",
    "仓储中心",
]


@dataclass(frozen=True)
class Template:
    title: str
    text: str
    source: str
    kind: str  # "both", "soe" or "dep"
    severity: str
    leaders: bool


def _parse(raw: str) -> dict[str, list[Template]]:
    out: dict[str, list[Template]] = {}
    code = ""
    meta: list[str] = []
    body: list[str] = []

    def flush() -> None:
        if not meta:
            return
        source, flags = meta[0], set(meta[1:])
        assert source in SOURCES, meta
        assert flags <= {"soe", "dep", "leaders", *SEVERITY_LADDER}, meta
        kind = "soe" if "soe" in flags else "dep" if "dep" in flags else "both"
        severity = next((s for s in SEVERITY_LADDER if s in flags), "general")
        out[code].append(
            Template(body[0], "".join(body[1:]), source, kind, severity, "leaders" in flags)
        )

    for line in raw.strip().splitlines():
        if line.startswith("# "):
            flush()
            code, meta, body = line[2:].strip(), [], []
            out[code] = []
        elif line.startswith("@ "):
            flush()
            meta, body = line[2:].split(), []
        else:
            body.append(line.strip())
    flush()
    return out


TEMPLATES: dict[str, list[Template]] = _parse(_TEXT)


@dataclass(frozen=True)
class Place:
    """What the texts say about one target."""

    unit: str  # short name, e.g. 华辰能源集团, 省财政厅
    subs: tuple[str, ...]  # subordinate units
    trade: str  # a prefix for project names
    kind: str  # "soe" or "dep"


@dataclass(frozen=True)
class Text:
    title: str
    description: str
    source: str
    severity: str
    leaders: bool


def usable(code: str, kind: str) -> list[int]:
    """Indexes of the templates of `code` that fit a target of `kind`."""
    return [i for i, t in enumerate(TEMPLATES[code]) if t.kind in ("both", kind)]


def compose(code: str, index: int, place: Place, rng: random.Random) -> Text:
    """The finding made of template `index` of category `code` for `place`."""
    template = TEMPLATES[code][index]
    n = rng.randint(2, 6)
    pct = rng.randint(8, 45)
    ratio = rng.randint(62, 71)
    values = {
        "unit": place.unit,
        "sub": rng.choice(place.subs),
        "proj": place.trade + rng.choice(PROJECTS),
        "year": rng.choice((2022, 2023, 2024)),
        "n": n,
        "m": n + rng.randint(1, 8),
        "k": rng.randint(12, 60),
        "k2": rng.randint(20, 90),
        "amt": f"{rng.uniform(45, 4800):.1f}",
        "big": f"{rng.uniform(1.2, 18):.1f}",
        "pct": pct,
        "pct2": pct + rng.randint(6, 30),
        "ratio": ratio,
        "ratio2": ratio + rng.randint(4, 12),
        "low": f"{rng.uniform(0.4, 1.4):.2f}",
        "age": rng.randint(46, 52),
    }
    roll = rng.random()
    step = -1 if roll < 0.15 else 1 if roll > 0.9 else 0
    rank = SEVERITY_LADDER.index(template.severity) + step
    severity = SEVERITY_LADDER[max(0, min(len(SEVERITY_LADDER) - 1, rank))]
    source = template.source if rng.random() < 0.75 else rng.choice(sorted(SOURCES))
    return Text(
        title=template.title.format(**values),
        description=template.text.format(**values),
        source=source,
        severity=severity,
        leaders=template.leaders,
    )


# --- the round's other records -------------------------------------------------------

WITHDRAWN_REASON = "经核实，该问题已于巡视进驻前整改到位，且有相关佐证材料，不再作为巡视发现问题。"
# Problem clues, by receiving body.
CLUE_SUMMARY = {
    "CDI": "巡视{unit}期间，发现涉及{names}的问题线索：{title}。按照有关规定移交省纪委监委处置。",
    "ORG-DEPT": (
        "巡视{unit}期间，发现{names}等领导人员在选人用人方面存在问题：{title}。"
        "移交省委组织部按照干部管理权限处理。"
    ),
}
# Sector problems of the whole round: (category, receiving department, summary).
SECTOR = [
    (
        "B2",
        "DEP-02",
        "巡视发现，{count}家被巡视单位在工程建设领域存在规避公开招标、围标串标、"
        "变更签证管理失控等问题，具有一定普遍性。移交省住房和城乡建设厅从行业监管层面"
        "研究解决，完善招标投标监管制度。",
    ),
    (
        "A4",
        "DEP-01",
        "巡视发现，{count}家被巡视单位存在债务风险管控不力、应收账款清收不力、违规担保"
        "和专项资金沉淀等风险隐患。移交省财政厅研究加强国有资本和财政资金风险监管。",
    ),
    (
        "D2",
        "DEP-01",
        "巡视发现，{count}家被巡视单位对审计、财会监督等发现问题整改不到位。"
        "移交省财政厅结合财会监督工作督促整改，推动建立整改长效机制。",
    ),
]
CENTRAL_ATTENDEES = (
    "省委巡视工作领导小组组长、副组长，领导小组成员单位负责同志；"
    "省委第一至第十五巡视组组长、副组长；"
    "{count}家被巡视单位党委（党组）书记、纪委书记（派驻纪检监察组组长）。"
)
CENTRAL_PROBLEMS = "本轮巡视发现的共性问题主要有："
CENTRAL_PROBLEM = "{numeral}是{category}，{count}家单位存在此类问题。"
CENTRAL_REQUIREMENTS = (
    "一、提高政治站位，把巡视整改作为重大政治任务，主要负责人切实履行第一责任人责任。\n"
    "二、坚持问题导向，建立问题、任务、责任清单，立行立改与长期坚持相结合。\n"
    "三、举一反三，深化共性问题和深层次问题的源头治理，健全长效机制。\n"
    "四、强化监督检查，纪检监察机关和组织部门加强日常监督，严防虚假整改、敷衍整改。"
)
FEEDBACK_PARTICIPANTS = "{team}组长、副组长及全体成员，省委巡视办有关同志；{unit}领导班子成员。"
FEEDBACK_REQUIREMENTS = (
    "{unit}党委（党组）要切实扛起巡视整改主体责任，对反馈的{count}个问题逐项研究"
    "制定整改措施，建立问题、任务、责任清单，明确时限、责任到人；对巡视移交的问题线索"
    "认真研究处置；在规定时限内报送整改落实情况报告和主要负责人组织落实情况报告。"
)

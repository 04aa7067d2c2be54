"""Deterministic synthetic report pages with their gold indicators (benchmarks and scale tests).

Every page is a function of (seed, index): the same pair always gives the same page, so a
10,000-page portal needs no storage, and the gold is known by construction, not by running
the extractor. The prose follows the writing patterns of spec/indicators.md.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from mirror.render import render

LAYOUTS = ("hanweb-xxgk", "label-cells", "label-cells-twice", "trs")

PLACES = ("临江", "凤凰", "青山", "云湖", "石门", "白鹭", "金沙", "桃源", "枫桥", "望海", "兰亭", "梅溪", "龙泉", "清溪")
BODIES = ("街道", "开发区", "新区管委会", "镇人民政府", "高新区")

# (name, unit word, unit, multiplier, low, high, decimals): money and other levels
LEVELS: tuple[tuple[str, str, str, float, float, float, int], ...] = (
    ("规上工业总产值", "亿元", "CNY", 1e8, 20, 900, 2),
    ("固定资产投资", "亿元", "CNY", 1e8, 5, 120, 2),
    ("一般公共预算收入", "亿元", "CNY", 1e8, 1, 40, 2),
    ("财政总收入", "亿元", "CNY", 1e8, 2, 80, 2),
    ("社会消费品零售总额", "亿元", "CNY", 1e8, 5, 200, 2),
    ("税收收入", "万元", "CNY", 1e4, 3000, 90000, 0),
    ("服务业增加值", "亿元", "CNY", 1e8, 3, 150, 2),
    ("外贸出口额", "亿元", "CNY", 1e8, 2, 90, 2),
    ("实到外资", "万美元", "USD", 1e4, 100, 9000, 2),
    ("合同外资", "万美元", "USD", 1e4, 300, 20000, 2),
    ("研发经费支出", "亿元", "CNY", 1e8, 0.5, 20, 2),
    ("数字经济核心产业增加值", "亿元", "CNY", 1e8, 1, 60, 2),
)
COUNTS: tuple[tuple[str, str], ...] = (
    ("新增规上工业企业", "家"), ("新增国家级高新技术企业", "家"), ("引进项目", "个"), ("新开工项目", "个"),
    ("新增就业人员", "人"), ("化解信访积案", "件"), ("新增市场主体", "户"), ("完成征迁", "户"),
    ("培育科技型中小企业", "家"), ("新增省级研发中心", "家"), ("开展安全检查", "次"), ("消除安全隐患", "处"),
)
AREAS: tuple[tuple[str, str, str, float], ...] = (
    ("盘活闲置用地", "亩", "mu", 1), ("出让工业用地", "亩", "mu", 1), ("新建标准厂房", "万平方米", "m2", 1e4),
    ("完成拆违", "万平方米", "m2", 1e4), ("河道清淤", "万立方米", "m3", 1e4), ("新建改造道路", "公里", "km", 1),
)
PARENTS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("固定资产投资", ("工业有效投资", "基础设施投资")),
    ("财政总收入", ("一般公共预算收入", "上划中央收入")),
    ("外贸进出口总额", ("出口额", "进口额")),
)
PAIRS: tuple[tuple[str, str], ...] = (("工业投资", "服务业投资"), ("限上批发额", "限上零售额"), ("进口额", "出口额"))
FILLER = (
    "深入实施创新驱动发展战略，持续优化营商环境，推动经济高质量发展。",
    "坚持以人民为中心的发展思想，扎实办好民生实事，群众获得感不断增强。",
    "全面落实“最多跑一次”改革，企业和群众办事效率进一步提升。",
    "9月1日新学期起，新建学校全部投入使用，教育资源更加丰富。",
    "在全市综合考核中排名第3位，获评“十四五”规划实施先进单位。",
    "严格落实安全生产责任制，开展“三改一拆”和“五水共治”专项行动。",
    "加强干部队伍建设，深化“清廉机关”创建，营造风清气正的政治生态。",
)
PROBLEMS = (
    "一是经济总量偏小，产业结构仍需优化。",
    "二是要素保障压力较大，土地和资金等瓶颈制约依然存在。",
    "三是招商引资质量不高，重大项目储备不足。",
)


@dataclass(frozen=True)
class SyntheticReport:
    index: int
    layout: str
    metadata: dict[str, Any]
    body: str
    gold: list[dict[str, Any]]

    def html(self, site: str = "合成门户(基准)") -> str:
        return render(self.layout, self.metadata, self.body, site)


class _Writer:
    """Builds one report: sentences in, gold rows out, with the page's own punctuation style."""

    def __init__(self, rng: random.Random, fullwidth: bool) -> None:
        self.rng = rng
        self.comma, self.semi, self.lp, self.rp = ("，", "；", "（", "）") if fullwidth else (",", ";", "(", ")")
        self.gold: list[dict[str, Any]] = []

    def number(self, low: float, high: float, decimals: int) -> str:
        value = self.rng.uniform(low, high)
        return f"{value:.{decimals}f}" if decimals else str(max(1, round(value)))

    def pct(self, low: float = 0.5, high: float = 35.0) -> str:
        return f"{self.rng.uniform(low, high):.1f}"

    def row(self, name: str, raw: str, value: str | None, multiplier: float, unit: str | None, quote: str, *,
            kind: str, period: str, yoy: float | None = None, target: float | None = None, bound: str = "exact",
            value_high: str | None = None, masked: bool = False, parent: str | None = None) -> None:
        number = float(value) if value is not None else None
        self.gold.append({
            "name": name, "value": number, "multiplier": multiplier, "unit": unit,
            "value_base": None if number is None else number * multiplier, "raw": raw, "yoy_pct": yoy,
            "target_pct": target, "kind": kind, "bound": bound,
            "value_high": float(value_high) if value_high is not None else None, "masked": masked,
            "parent": parent, "period": period, "quote": quote,
        })

    # -- review sentences (kind actual) -----------------------------------------------------------
    def level_with_growth(self, period: str) -> str:
        name, word, unit, mult, low, high, dec = self.rng.choice(LEVELS)
        value = self.number(low, high, dec)
        up = self.rng.random() < 0.75
        change = self.pct()
        verb = self.rng.choice(("完成", "实现", "全年完成", ""))
        sentence = f"{verb}{name}{value}{word}{self.comma}同比{'增长' if up else '下降'}{change}%"
        target = None
        if self.rng.random() < 0.35:
            target = self.pct(60, 130)
            sentence += f"{self.comma}完成目标任务的{target}%"
        self.row(name, value + word, value, mult, unit, sentence, kind="actual", period=period,
                 yoy=float(change) if up else -float(change), target=float(target) if target else None)
        return sentence

    def breakdown(self, period: str) -> str:
        parent, children = self.rng.choice(PARENTS)
        total = self.number(20, 90, 2)
        first = f"{float(total) * 0.6:.2f}"
        second = f"{float(total) * 0.3:.2f}"
        change = self.pct()
        sentence = (f"完成{parent}{total}亿元{self.comma}同比增长{change}%{self.comma}其中{children[0]}{first}亿元"
                    f"{self.comma}{children[1]}{second}亿元")
        self.row(parent, total + "亿元", total, 1e8, "CNY", sentence, kind="actual", period=period, yoy=float(change))
        self.row(children[0], first + "亿元", first, 1e8, "CNY", sentence, kind="actual", period=period, parent=parent)
        self.row(children[1], second + "亿元", second, 1e8, "CNY", sentence, kind="actual", period=period, parent=parent)
        return sentence

    def respectively(self, period: str) -> str:
        a, b = self.rng.choice(PAIRS)
        va, vb = self.number(2, 60, 2), self.number(2, 60, 2)
        ya, yb = self.pct(), self.pct()
        down = self.rng.random() < 0.3
        sentence = (f"{a}、{b}分别完成{va}亿元、{vb}亿元{self.comma}分别同比增长{ya}%、"
                    f"{'下降' if down else '增长'}{yb}%")
        self.row(a, va + "亿元", va, 1e8, "CNY", sentence, kind="actual", period=period, yoy=float(ya))
        self.row(b, vb + "亿元", vb, 1e8, "CNY", sentence, kind="actual", period=period, yoy=-float(yb) if down else float(yb))
        return sentence

    def counts(self, period: str) -> str:
        picked = self.rng.sample(COUNTS, 2)
        parts = []
        for name, classifier in picked:
            value = self.number(3, 400, 0)
            bound = self.rng.choice(("exact", "exact", "lower", "余"))
            if bound == "lower":
                raw = f"{value}{classifier}以上"
                gold_bound = "lower"
            elif bound == "余":
                raw = f"{value}余{classifier}"
                gold_bound = "lower"
            else:
                raw, gold_bound = f"{value}{classifier}", "exact"
            parts.append(f"{name}{raw}")
            self.row(name, raw, value, 1, "count", "", kind="actual", period=period, bound=gold_bound)
        sentence = self.comma.join(parts)
        for g in self.gold[-2:]:
            g["quote"] = sentence
        return sentence

    def area(self, period: str) -> str:
        name, word, unit, mult = self.rng.choice(AREAS)
        value = self.number(1, 900, 2 if mult > 1 else 1)
        approx = self.rng.random() < 0.3
        raw = ("约" if approx else "") + value + word
        sentence = f"{name}{raw}"
        self.row(name, raw, value, mult, unit, sentence, kind="actual", period=period, bound="approx" if approx else "exact")
        return sentence

    def masked(self, period: str) -> str:
        name, word, unit, mult, low, high, dec = self.rng.choice(LEVELS)
        if self.rng.random() < 0.5:
            sentence = f"实现{name}**{word}{self.comma}同比增长**%"
            self.row(name, f"**{word}", None, mult, unit, sentence, kind="actual", period=period, masked=True)
        else:
            value = self.number(low, high, dec)
            sentence = f"实现{name}{value}{word}{self.comma}同比增长*.*%"
            self.row(name, value + word, value, mult, unit, sentence, kind="actual", period=period, masked=True)
        return sentence

    def estimate(self, period: str) -> str:
        name = self.rng.choice(LEVELS)[0]
        change = self.pct()
        sentence = f"预计全年{name}同比增长{change}%"
        self.row(name, change + "%", None, 1, None, sentence, kind="estimate", period=period, yoy=float(change))
        return sentence

    def big_projects(self, period: str) -> str:
        value = self.number(2, 30, 0)
        sentence = f"新引进亿元以上项目{value}个"
        self.row("新引进亿元以上项目", value + "个", value, 1, "count", sentence, kind="actual", period=period)
        return sentence

    def milestone(self, period: str) -> str:
        name, word, unit, mult, low, high, dec = self.rng.choice([lv for lv in LEVELS if lv[1] == "亿元"])
        mark = max(1, int(low + (high - low) / 3))
        value = f"{mark + self.rng.uniform(0.5, mark):.2f}"
        sentence = f"{name}突破{mark}亿元大关{self.comma}达到{value}亿元{self.comma}增速高于全市{self.pct(0.5, 5)}个百分点"
        self.row(name, value + "亿元", value, mult, unit, sentence, kind="actual", period=period)
        return sentence

    def numeral_count(self, period: str) -> str:
        word, value = self.rng.choice((("两", "2"), ("三", "3"), ("五", "5"), ("六", "6")))
        name = self.rng.choice(("新增省级研发中心", "新增上市企业", "新建口袋公园"))
        classifier = "个" if name.endswith("公园") else "家"
        sentence = f"{name}{word}{classifier}"
        self.row(name, word + classifier, value, 1, "count", sentence, kind="actual", period=period)
        return sentence

    def completion_share(self, period: str) -> str:
        name = self.rng.choice(("实际利用外资", "固定资产投资", "工业有效投资"))
        share = self.pct(80, 130)
        sentence = f"{name}完成年度目标的{share}%"
        self.row(name, share + "%", share, 1, "pct", sentence, kind="actual", period=period, target=float(share))
        return sentence

    def demolition(self, period: str) -> str:
        value = self.number(1, 60, 1)
        sentence = f"完成房屋征迁{value}万方"
        self.row("房屋征迁", value + "万方", value, 1e4, "m2", sentence, kind="actual", period=period)
        return sentence

    # -- plan sentences (kind target) ----------------------------------------------------------------
    def plan_level(self, period: str) -> str:
        name, word, unit, mult, low, high, dec = self.rng.choice(LEVELS)
        value = self.number(low, high, dec)
        cue = self.rng.choice(("力争", "确保", "计划", ""))
        lower = self.rng.random() < 0.4
        raw = value + word + ("以上" if lower else "")
        sentence = f"{cue}全年{name}达到{raw}"
        self.row(name, raw, value, mult, unit, sentence, kind="target", period=period, bound="lower" if lower else "exact")
        return sentence

    def plan_range(self, period: str) -> str:
        low = self.number(2, 9, 0)
        high = str(int(low) + self.rng.randint(2, 6))
        name = self.rng.choice(("新引进项目", "新落地产业项目", "新增上市企业"))
        sentence = f"力争{name}{low}-{high}个"
        self.row(name, f"{low}-{high}个", low, 1, "count", sentence, kind="target", period=period, bound="range",
                 value_high=high)
        return sentence

    def plan_growth_range(self, period: str) -> str:
        name = self.rng.choice(LEVELS)[0]
        low = self.rng.randint(3, 9)
        high = low + self.rng.randint(1, 4)
        sentence = f"力争{name}同比增长{low}%-{high}%"
        self.row(name, f"{low}%-{high}%", None, 1, None, sentence, kind="target", period=period, yoy=float(low),
                 bound="range", value_high=str(high))
        return sentence

    def plan_count(self, period: str) -> str:
        name, classifier = self.rng.choice(COUNTS)
        value = self.number(3, 200, 0)
        sentence = f"力争{name}{value}{classifier}以上"
        self.row(name, f"{value}{classifier}以上", value, 1, "count", sentence, kind="target", period=period, bound="lower")
        return sentence


REVIEW = ("level_with_growth", "level_with_growth", "breakdown", "respectively", "counts", "area", "masked",
          "estimate", "big_projects", "milestone", "numeral_count", "completion_share", "demolition")
PLAN = ("plan_level", "plan_range", "plan_count", "plan_growth_range")


def report(seed: int, index: int) -> SyntheticReport:
    """The page numbered `index` of the synthetic portal `seed`."""
    rng = random.Random(seed * 1_000_003 + index)
    writer = _Writer(rng, fullwidth=rng.random() < 0.5)
    publisher = rng.choice(PLACES) + rng.choice(BODIES)
    year = rng.randint(2016, 2025)
    half = rng.random() < 0.3
    review_period, plan_period = (f"{year}H1", str(year)) if half else (str(year), str(year + 1))
    if half:
        title = f"{publisher}{year}年上半年工作总结及下半年工作思路"
        headings = (f"一、{year}年上半年工作总结", "二、存在的问题", "三、下半年工作思路")
    else:
        title = f"{publisher}{year}年工作总结和{year + 1}年工作思路"
        headings = (f"一、{year}年工作总结", "二、存在的问题", f"三、{year + 1}年工作思路")
    lines = [headings[0]]
    for part in range(rng.randint(2, 4)):
        # 预计 reaches to the end of its sentence (spec: scope of a cue), so an estimate closes its sentence
        kinds = sorted((rng.choice(REVIEW) for _ in range(rng.randint(2, 4))), key=lambda k: k == "estimate")
        sentences = [getattr(writer, k)(review_period) for k in kinds]
        lead = f"{writer.lp}{'一二三四'[part]}{writer.rp}重点工作稳步推进。"
        lines.append(lead + rng.choice(FILLER) + writer.semi.join(sentences) + "。" + rng.choice(FILLER))
    lines.append(headings[1])
    lines.append("在取得成绩的同时，我们也清醒看到存在的困难和问题：" + "".join(PROBLEMS))
    lines.append(headings[2])
    for _ in range(rng.randint(1, 3)):
        sentences = [getattr(writer, rng.choice(PLAN))(plan_period) for _ in range(rng.randint(1, 3))]
        lines.append(rng.choice(FILLER) + writer.semi.join(sentences) + "。")
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    published = f"{year + (0 if half else 1)}-{(7 if half else month):02d}-{day:02d}"
    credit = f"11330{rng.randint(100, 999)}00{rng.randint(1000000, 9999999)}"
    seq = rng.randint(100000, 999999)
    metadata = {
        "title": title, "index_no": f"{credit}/{published[:4]}-{seq}", "publisher": publisher,
        "published_at": published, "written_date": published, "source": publisher, "disclosure": "主动公开",
        "topic": "综合政务", "category": "计划总结", "column_path": ["政务公开", "政府信息公开", "计划总结"],
    }
    return SyntheticReport(index=index, layout=LAYOUTS[index % len(LAYOUTS)], metadata=metadata,
                           body="\n".join(lines), gold=writer.gold)

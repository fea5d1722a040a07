"""A generated mydrivers.com-like site of N articles, deterministic from a seed.

Markup follows the real site (and ``fixtures/mydrivers/pages``): desktop
article pages in the 2022 and 2021 layouts (``div.news_bt#thread_subject``,
the ``date 出处 作者 编辑`` header line, ``div.news_info`` with paragraphs,
full-size image links, an ad script, the reprint notice, ``p.bqian`` tags),
a few articles split over two pages (``<id>_2.htm``), and tag pages of
``per_page`` articles with ``下一页`` pagination. Around the article sits the
boilerplate that makes real pages 50-150 KB: inline scripts and styles, a
navigation bar of a hundred links, sidebars of linked headlines and pictures,
comments and a footer.

Every page is rendered on request from ``(seed, id)`` in well under a
millisecond (static parts are pre-rendered bytes), so a server can serve a
site of 100,000 articles without writing it to disk; ``write(folder)``
writes a small site as files for ``archiver.serve.SiteServer``.

URLs: articles ``/1/<id // 1000>/<id>.htm`` (ids ``FIRST_ID .. FIRST_ID+n-1``,
newest first on the tag pages), tag pages ``/tag/<slug>.htm`` then
``/tag/<slug>_<p>.htm``. Links to the news host are written with the prefix
``news`` (``//news.mydrivers.com`` by default: real pages; ``""``: links
relative to whatever server serves them).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

__all__ = ["FIRST_ID", "BenchSite", "Meta"]

T = TypeVar("T")

FIRST_ID = 800_000
EPOCH = datetime(2021, 3, 1, 8, 0, 0)  # Beijing time, naive as the site prints it
GAP_S = 420  # one article every 7 minutes on average

# --------------------------------------------------------------------- words

_WORDS = (  # noqa: SIM905
    "用户 手机 平台 芯片 处理器 性能 功耗 续航 屏幕 影像 系统 版本 升级 "
    "官方 消息 数据 市场 份额 销量 价格 售价 发布 上市 首发 搭载 支持 "
    "采用 配备 提升 降低 领先 同比 环比 增长 下滑 季度 年度 财报 营收 "
    "利润 厂商 品牌 旗舰 中端 入门 新品 产品 技术 方案 工艺 制程 纳米 "
    "晶体管 核心 频率 显卡 内存 存储 硬盘 固态 接口 充电 快充 无线 电池 "
    "容量 毫安时 摄像头 传感器 镜头 长焦 广角 光圈 变焦 算法 人工智能 "
    "大模型 云计算 服务器 数据中心 网络 信号 基站 卫星 通信 汽车 电动车 "
    "新能源 智能驾驶 自动驾驶 激光雷达 续航里程 充电桩 电池组 车型 订单 交付 "
    "工厂 产能 供应链 零部件 面板 显示器 分辨率 刷新率 亮度 色彩 体验 设计 "
    "外观 机身 重量 厚度 材质 玻璃 金属 配色 版本号 更新 补丁 漏洞 安全 "
    "隐私 开发者 应用 生态 软件 游戏 帧率 画质 散热 风扇 功率 电源 主板 "
    "机箱 笔记本 平板 耳机 手表 手环 路由器 电视 投影 家电 空调 冰箱 "
    "洗衣机 机器人 无人机 相机 博主 爆料 曝光 谍照 跑分 实测 评测 对比 "
    "参数 规格 细节 信息 报道 媒体 分析师 机构 预计 认为 表示 透露 宣布 "
    "确认 回应 计划 目标 战略 合作 投资 收购 融资 估值 上涨 下跌 股价 "
    "全球 国内 海外 欧洲 美国 日本 韩国 印度 东南亚 北京 上海 深圳 杭州 "
    "成都 武汉"
).split()
_BRANDS = (  # noqa: SIM905
    "小米 华为 荣耀 OPPO vivo 一加 realme 魅族 苹果 三星 索尼 "
    "谷歌 微软 英特尔 AMD 英伟达 高通 联发科 台积电 比亚迪 特斯拉 蔚来 "
    "理想 小鹏 问界 极氪 腾讯 阿里巴巴 字节跳动 京东 百度 联想 戴尔 惠普 "
    "华硕 微星 技嘉 铭瑄 七彩虹 西部数据 希捷 美光 长江存储 中芯国际"
).split()
_PRODUCTS = (  # noqa: SIM905
    "14 Pro 15 Ultra 13 Max Mate 60 P70 Note 13 K70 Find X7 X100 Galaxy S24 iPhone "
    "16 RTX 5090 RX 9070 Ryzen 9 酷睿Ultra 骁龙8 Gen3 天玑9300 M4 Model Y 汉EV ES8 L9 G6"
).split()
_EVENTS = (
    "正式发布",
    "官宣定档",
    "首销告罄",
    "价格曝光",
    "跑分出炉",
    "真机亮相",
    "配置泄露",
    "迎来更新",
    "全面降价",
    "销量破百万",
    "通过认证",
    "开启预售",
    "宣布涨价",
    "首发评测",
    "规格确认",
    "量产在即",
    "召回部分车辆",
    "发布财报",
    "入网工信部",
    "外观揭晓",
)
_TAGS = [
    ("小米", "xiaomi"),
    ("华为", "huawei"),
    ("苹果", "pingguo"),
    ("高通", "gaotong"),
    ("骁龙", "xiaolong"),
    ("英伟达", "yingweida"),
    ("AMD", "amd"),
    ("英特尔", "yingteer"),
    ("显卡", "xianka"),
    ("处理器", "chuliqi"),
    ("手机", "shouji"),
    ("电动车", "diandongche"),
    ("特斯拉", "tesila"),
    ("比亚迪", "biyadi"),
    ("新能源汽车", "xinnengyuanqiche"),
    ("人工智能", "rengongzhineng"),
    ("ChatGPT", "chatgpt"),
    ("Windows 11", "windows_11"),
    ("鸿蒙", "hongmeng"),
    ("安卓", "anzhuo"),
    ("iOS", "ios"),
    ("5G", "5g"),
    ("芯片", "xinpian"),
    ("台积电", "taijidian"),
    ("三星", "sanxing"),
    ("荣耀", "rongyao"),
    ("OPPO", "oppo"),
    ("vivo", "vivo"),
    ("一加", "yijia"),
    ("联想", "lianxiang"),
    ("笔记本", "bijiben"),
    ("固态硬盘", "gutaiyingpan"),
    ("内存", "neicun"),
    ("路由器", "luyouqi"),
    ("电视", "dianshi"),
    ("游戏", "youxi"),
    ("黑神话", "heishenhua"),
    ("Steam", "steam"),
    ("微软", "weiruan"),
    ("谷歌", "guge"),
    ("腾讯", "tengxun"),
    ("阿里巴巴", "alibaba"),
    ("京东", "jingdong"),
    ("蔚来", "weilai"),
    ("理想汽车", "lixiangqiche"),
    ("小鹏", "xiaopeng"),
    ("问界", "wenjie"),
    ("卫星", "weixing"),
    ("航天", "hangtian"),
    ("天文", "tianwen"),
    ("科学", "kexue"),
]
_SURNAMES = (  # noqa: SIM905
    "振亭 宪瑞 随心 落木 雪花 骑士 晨曦 建嘉 流木 朝晖 万南 上方文Q 小狐狸 鹿角 清风 白宇"
).split()
_SOURCES = (  # noqa: SIM905
    "快科技 IT之家 中关村在线 新浪科技 cnBeta 集微网 超能网 太平洋电脑网 财联社 澎湃新闻"
).split()
_CHANNELS = [
    ("资讯", "/"),
    ("手机", "/class/mobile/"),
    ("汽车", "/class/car/"),
    ("电脑", "/class/pc/"),
    ("游戏", "/class/game/"),
    ("家电", "/class/jiadian/"),
    ("科学", "/class/science/"),
    ("软件", "/class/soft/"),
    ("数码", "/class/digital/"),
    ("评测", "/class/review/"),
]


@dataclass(frozen=True)
class Meta:
    """What a generated article says; the expected values of an extraction."""

    id: int
    title: str
    date: datetime  # Beijing time, naive
    source: str
    author: str
    editor: str
    tags: tuple[tuple[str, str], ...]  # (name, slug)
    layout: str  # "2022" or "2021"
    pages: int  # 1, or 2 for an article split over two pages
    summary: str


def _pick(rng: random.Random, items: Sequence[T]) -> T:
    """``rng.choice`` without its overhead (bias is irrelevant here)."""
    return items[int(rng.random() * len(items))]


def _int(rng: random.Random, lo: int, hi: int) -> int:
    """``rng.randint(lo, hi)``, faster."""
    return lo + int(rng.random() * (hi - lo + 1))


class BenchSite:
    """A site of ``n`` articles and ``ceil(n / per_page)`` tag pages; see the module doc."""

    def __init__(
        self,
        n: int,
        *,
        seed: int = 7,
        per_page: int = 20,
        tag: tuple[str, str] = ("科技", "keji"),
        news: str = "//news.mydrivers.com",
        multipage_rate: float = 0.02,
    ) -> None:
        if n < 1 or per_page < 1:
            raise ValueError("n and per_page must be positive")
        self.n = n
        self.seed = seed
        self.per_page = per_page
        self.tag_name, self.tag_slug = tag
        self.news = news
        self.multipage_rate = multipage_rate
        self.last_id = FIRST_ID + n - 1
        self.listing_pages = -(-n // per_page)
        rng = random.Random(seed)
        self._sentences = [self._sentence(rng) for _ in range(4000)]
        # Paragraphs and headlines are drawn from pools: a page renders in ~0.2 ms.
        self._paragraphs = [
            "".join(rng.choice(self._sentences) for _ in range(rng.randint(2, 6)))
            for _ in range(4096)
        ]
        self._headlines = [self._make_headline(rng) for _ in range(4096)]
        self._head_tail = self._head_static(rng)
        self._nav_text = self._nav_static()
        self._nav = self._nav_text.encode()
        self._modules = [self._module(rng, k).encode() for k in range(64)]
        self._comments = [self._comments_block(rng).encode() for _ in range(16)]
        self._scripts = [self._inline_script(rng).encode() for _ in range(6)]
        self._footer = self._footer_static(rng).encode()

    # ------------------------------------------------------------------ URLs

    @staticmethod
    def article_path(ident: int, page: int = 1) -> str:
        suffix = f"_{page}" if page > 1 else ""
        return f"/1/{ident // 1000}/{ident}{suffix}.htm"

    def listing_path(self, page: int) -> str:
        suffix = f"_{page}" if page > 1 else ""
        return f"/tag/{self.tag_slug}{suffix}.htm"

    @property
    def start_path(self) -> str:
        return self.listing_path(1)

    def ids(self) -> range:
        """Article ids, newest first (the tag pages' order)."""
        return range(self.last_id, FIRST_ID - 1, -1)

    def page_ids(self, page: int) -> range:
        top = self.last_id - (page - 1) * self.per_page
        return range(top, max(top - self.per_page, FIRST_ID - 1), -1)

    def paths(self) -> list[str]:
        """Every page the crawl fetches: tag pages, then article pages."""
        out = [self.listing_path(p) for p in range(1, self.listing_pages + 1)]
        for ident in self.ids():
            out += [self.article_path(ident, k) for k in range(1, self.meta(ident).pages + 1)]
        return out

    _ARTICLE = re.compile(r"^/1/(\d+)/(\d+)(?:_(\d+))?\.htm$")

    def render(self, path: str) -> bytes | None:
        """The page at ``path`` (no query), or None: 404."""
        match = self._ARTICLE.match(path)
        if match:
            ident, page = int(match.group(2)), int(match.group(3) or 1)
            if int(match.group(1)) != ident // 1000 or not FIRST_ID <= ident <= self.last_id:
                return None
            meta = self.meta(ident)
            if page > meta.pages or match.group(3) == "1":
                return None
            return self.article_page(meta, page)
        prefix = f"/tag/{self.tag_slug}"
        if path.startswith(prefix) and path.endswith(".htm"):
            rest = path[len(prefix) : -4]
            if rest == "":
                return self.listing_page(1)
            if rest.startswith("_") and rest[1:].isdigit():
                page = int(rest[1:])
                if 2 <= page <= self.listing_pages:
                    return self.listing_page(page)
            return None
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n"
        return None

    # ------------------------------------------------------------------ data

    def _rng(self, ident: int) -> random.Random:
        return random.Random(self.seed * 10_000_019 + ident)

    def _sentence(self, rng: random.Random) -> str:
        words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 18))]
        if rng.random() < 0.4:
            words.insert(rng.randrange(len(words)), rng.choice(_BRANDS))
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), f"{rng.randint(2, 9999)}")
        cut = rng.randrange(2, len(words)) if len(words) > 3 else 1
        return "".join(words[:cut]) + "，" + "".join(words[cut:]) + rng.choice("。。。；！")

    def meta(self, ident: int) -> Meta:
        """The article's header fields, from ``(seed, id)`` alone."""
        rng = self._rng(ident)
        brand = _pick(rng, _BRANDS)
        product = _pick(rng, _PRODUCTS)
        event = _pick(rng, _EVENTS)
        detail = "".join(_pick(rng, _WORDS) for _ in range(_int(rng, 2, 6)))
        number = _int(rng, 2, 9999)
        form = int(rng.random() * 4)
        if form == 0:
            title = f"{brand}{product}{event}：{detail}{number}元起"
        elif form == 1:
            title = f"{brand}{event} {product}{detail}提升{number % 100}%"
        elif form == 2:
            title = f"“{detail}”来了！{brand}{product}{event}"
        else:
            title = f"{brand}：{detail}将在{number % 12 + 1}月{event}"
        offset = (ident - FIRST_ID) * GAP_S + int(rng.random() * (GAP_S // 2))
        date = EPOCH + timedelta(seconds=offset)
        first = int(rng.random() * len(_TAGS))
        step = 1 + int(rng.random() * 7)
        tags = tuple(_TAGS[(first + step * k) % len(_TAGS)] for k in range(_int(rng, 2, 5)))
        return Meta(
            id=ident,
            title=title,
            date=date,
            source=_pick(rng, _SOURCES),
            author=_pick(rng, _SURNAMES),
            editor=_pick(rng, _SURNAMES),
            tags=tags,
            layout="2021" if rng.random() < 0.25 else "2022",
            pages=2 if rng.random() < self.multipage_rate else 1,
            summary=_pick(rng, self._sentences),
        )

    # ------------------------------------------------------------ pages

    def article_page(self, meta: Meta, page: int = 1) -> bytes:
        rng = self._rng(ident=meta.id * 7 + page)
        news = self.news
        title = html.escape(meta.title, quote=True)
        date = meta.date
        day = f"{date.year}{date.month:02d}{date.day:02d}"
        paragraphs: list[str] = []
        count = _int(rng, 8, 26)
        images = _int(rng, 0, 6) if page == 1 else _int(rng, 0, 2)
        image_at = {_int(rng, 1, count - 1) for _ in range(images)}
        ad_at = _int(rng, 2, count - 1)
        for k in range(count):
            text = self._paragraphs[rng.getrandbits(12)]
            if k == 0 and page == 1:
                text = f"{date.month}月{date.day}日消息，{text}"
            if rng.random() < 0.2:
                cut = len(text) // 3
                text = f"{text[:cut]}<strong>{text[cut : cut * 2]}</strong>{text[cut * 2 :]}"
            paragraphs.append(f"<p>{text}</p>")
            if k in image_at:
                uid = f"{rng.getrandbits(128):032x}"
                ext = _pick(rng, ("jpg", "jpg", "png", "gif"))
                w, h = 600, _pick(rng, (338, 400, 450, 600, 848))
                align = 'style="text-align: center"' if meta.layout == "2022" else 'align="center"'
                paragraphs.append(
                    f'<p {align}><a href="//img1.mydrivers.com/img/{day}/{uid}.{ext}" '
                    f'target="_blank"><img alt="{title}" h="{h}" '
                    f'src="//img1.mydrivers.com/img/{day}/s_{uid}.{ext}" '
                    f'style="border: black 1px solid" w="{w}" /></a></p>'
                )
            if k == ad_at:
                paragraphs.append(
                    '<script type="text/javascript">document.write(\'<div class="adds">'
                    f'<a href="//ad.mydrivers.com/click?id={_int(rng, 1, 999)}">广告</a>'
                    "</div>');</script>"
                )
        body = "\n".join(paragraphs)
        pager = ""
        if meta.pages > 1:
            links = []
            for k in range(1, meta.pages + 1):
                href = f"{news}{self.article_path(meta.id, k)}"
                links.append(
                    f'<span class="cur">{k}</span>' if k == page else f'<a href="{href}">{k}</a>'
                )
            if page < meta.pages:
                href = f"{news}{self.article_path(meta.id, page + 1)}"
                links.append(f'<a href="{href}" class="next">下一页</a>')
            pager = "".join(links)
        tag_links = "".join(
            f'<a href="{news}/tag/{slug}.htm">'
            + ("<i>#</i>" if meta.layout == "2021" else "")
            + f"{html.escape(name)}</a>"
            for name, slug in meta.tags
        )
        header = (
            f'{date:%Y-%m-%d %H:%M:%S}&nbsp;&nbsp;出处：<a href="//www.mydrivers.com/" '
            f'target="_blank">{meta.source}</a>&nbsp;&nbsp;作者：<a href="{news}/author/'
            f'{meta.id % 97}.htm" target="_blank">{meta.author}</a>&nbsp;&nbsp;编辑：{meta.editor}'
            if meta.layout == "2022"
            else f"{date:%Y-%m-%d %H:%M:%S}&nbsp;&nbsp;出处：{meta.source}&nbsp;&nbsp;"
            f"作者：{meta.author}&nbsp;&nbsp;编辑：{meta.editor}"
        )
        if meta.layout == "2022":
            end = (
                '\n           <p class="end">'
                '<img src="//icons.mydrivers.com/news/end_article.png" /></p>\n'
                '<div style="overflow: hidden;font-size:14px;">\n'
                '           <p class="zhuanzai">'
                "<strong>如需转载请务必注明出处：快科技</strong></p>\n"
                f'          <p class="url"><span style="color:#666">责任编辑：{meta.editor}</span>'
                '<a href="javascript:;" class="jiucuo" id="leftjiucuo" onclick="showjiucuo()">'
                "文章纠错</a></p>\n        </div>\n"
                f'        <div class="page_article" id="bnext">{pager}</div>\n'
                f'<p class="bqian">话题标签：{tag_links}  </p>\n'
            )
        else:
            end = (
                '\n<p class="end"> - THE END -</p>\n'
                '          <p class="zhuanzai">转载请注明出处：快科技</p>\n'
                f'        <div class="page_article" id="bnext">{pager}</div>\n'
                f' <p class="bqian">{tag_links}</p>\n'
                f'<p class="url">\n<span>责任编辑：{meta.editor}</span>\n</p>\n'
            )
        related = "".join(
            f'<li><a href="{news}{self.article_path(j)}" target="_blank">'
            f"{html.escape(self._headline(j))}</a></li>"
            for j in self._neighbours(rng, meta.id, 10)
        )
        keywords = ",".join(name for name, _ in meta.tags)
        channel, channel_path = _CHANNELS[meta.id % len(_CHANNELS)]
        page_title = title if page == 1 else f"{title}(第{page}页)"
        head = (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            '<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1" />\n'
            f"<title>{page_title}--快科技--科技改变未来</title>\n"
            f'<meta name="keywords" content="{html.escape(keywords)}" />\n'
            f'<meta name="description" content="{html.escape(meta.summary)}" />\n'
        )
        head += (
            f'<script type="text/javascript">var newsid = {meta.id}; var classid = '
            f"{meta.id % 200};</script>\n"
        )
        main = (
            '<div class="main">\n<div class="main_left">\n'
            f'  <div class="weizhi">您的位置：<a href="//www.mydrivers.com/">快科技</a> &gt; '
            f'<a href="{news}/">资讯</a> &gt; '
            f'<a href="{news}{channel_path}">{channel}</a> &gt; 正文</div>\n'
            '  <div class="news_n">\n'
            f'    <div class="news_bt" id="thread_subject">{title}</div>\n'
            '    <div class="news_bt1">\n'
            f'      <div class="news_bt1_left">{header}&nbsp;&nbsp;人气：<span id="Hits">'
            f'<font color="#ff0000">{_int(rng, 100, 99999)}</font></span>&nbsp;&nbsp;'
            f'<a href="#pinglun">评论(<span id="tpinglun">{_int(rng, 0, 999)}</span>)</a></div>\n'
            '      <div class="news_bt1_right"><a href="javascript:;" onclick="shareweibo()" '
            'class="weibo">分享到微博</a></div>\n    </div>\n'
            f'    <div class="news_info">\n{body}\n{end}</div>\n  </div>\n'
            f'  <div class="xgyd"><div class="bt">相关阅读</div><ul>{related}</ul></div>\n'
            f'  <div class="news_pl" id="pinglun"><div class="pl_bt">网友评论</div>\n'
            f'    <iframe src="//comment8.mydrivers.com/review/{meta.id}-1.htm" width="100%" '
            'height="600" frameborder="0"></iframe>\n'
        )
        # Boilerplate up to a target size drawn from 50-150 KB.
        target = _int(rng, 50_000, 150_000)
        parts = [
            head.encode(),
            self._head_tail,
            _pick(rng, self._scripts),
            b"</head>\n<body>\n",
            self._nav,
            main.encode(),
            _pick(rng, self._comments),
            b'  </div>\n</div>\n<div class="main_right">\n',
        ]
        size = sum(map(len, parts)) + len(self._footer) + 40
        while size < target:
            module = _pick(rng, self._modules)
            parts.append(module)
            size += len(module)
        parts += [b"</div>\n</div>\n", self._footer, b"</body>\n</html>\n"]
        return b"".join(parts)

    def listing_page(self, page: int) -> bytes:
        news = self.news
        items = []
        for ident in self.page_ids(page):
            meta = self.meta(ident)
            href = f"{news}{self.article_path(ident)}"
            title = html.escape(meta.title, quote=True)
            day = f"{meta.date.year}{meta.date.month:02d}{meta.date.day:02d}"
            items.append(
                "<li>\n"
                f'<div class="news_left"><a href="{href}" target="_blank"><img '
                f'data-original="//img1.mydrivers.com/img/{day}/s_{ident:x}.jpg" '
                f'src="//icons.mydrivers.com/news/loading.gif" alt="{title}" /></a></div>\n'
                '<div class="news_right">\n'
                f'<h3><a href="{href}" target="_blank">{title}</a></h3>\n'
                f'<p><a href="{href}" target="_blank">{html.escape(meta.summary)}</a></p>\n'
                f'<div class="news_plun"><span class="time">{meta.date:%Y-%m-%d %H:%M}</span>'
                f'<span class="pl"><a href="//comment8.mydrivers.com/review/{ident}-1.htm" '
                'target="_blank">评论</a></span>'
                + "".join(
                    f'<a href="{news}/tag/{slug}.htm" class="tag">{name}</a>'
                    for name, slug in meta.tags[:2]
                )
                + "</div>\n</div>\n</li>"
            )
        last = self.listing_pages
        pager = []
        if page > 1:
            pager.append(f'<a href="{news}{self.listing_path(1)}">首页</a>')
            pager.append(f'<a href="{news}{self.listing_path(page - 1)}">上一页</a>')
        for k in range(max(1, page - 4), min(last, page + 5) + 1):
            if k == page:
                pager.append(f'<span class="current">{k}</span>')
            else:
                pager.append(f'<a href="{news}{self.listing_path(k)}">{k}</a>')
        if page < last:
            pager.append(f'<a href="{news}{self.listing_path(page + 1)}">下一页</a>')
            pager.append(f'<a href="{news}{self.listing_path(last)}">尾页</a>')
        else:
            pager.append('<span class="disabled">下一页</span>')
        hot = "".join(
            f'<li><a href="{news}{self.article_path(j)}">{html.escape(self._headline(j))}</a></li>'
            for j in self.page_ids(1)[:10]
        )
        tags = "".join(f'<a href="{news}/tag/{slug}.htm">{name}</a>' for name, slug in _TAGS[:30])
        text = (
            "<!DOCTYPE html>\n<html>\n<head>\n"
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f"<title>{self.tag_name}最新资讯-快科技--科技改变未来</title>\n"
            f'<meta name="keywords" content="{self.tag_name},{self.tag_name}最新资讯" />\n'
            f'<link href="{news}/css/tag_2020.css" rel="stylesheet" type="text/css" />\n'
            "</head>\n<body>\n" + self._nav_text + '<div class="main">\n<div class="main_left">\n'
            f'<div class="tag_title"><div class="tag_name">{self.tag_name}</div>'
            f'<div class="tag_ms">{self.tag_name}频道汇集最新{self.tag_name}资讯。</div></div>\n'
            '<div class="news_list">\n<ul class="newslist">\n'
            + "\n".join(items)
            + "\n</ul>\n</div>\n"
            f'<div class="pages">{"".join(pager)}</div>\n'
            '</div>\n<div class="main_right">\n'
            f'<div class="rq_news"><div class="bt">热门文章</div>\n<ul>{hot}</ul></div>\n'
            f'<div class="hot_tag">{tags}</div>\n'
            "</div>\n</div>\n"
        )
        return (
            text.encode()
            + self._footer
            + b'<script type="text/javascript" src="'
            + (f'{news}/js/lazyload.js"></script>\n</body>\n</html>\n'.encode())
        )

    # ------------------------------------------------------- boilerplate

    def _headline(self, ident: int) -> str:
        return self._headlines[(ident * 2654435761 >> 7) & 4095]

    @staticmethod
    def _make_headline(rng: random.Random) -> str:
        return (
            f"{rng.choice(_BRANDS)}{rng.choice(_PRODUCTS)}{rng.choice(_EVENTS)}"
            f"：{''.join(rng.choice(_WORDS) for _ in range(3))}"
        )

    def _neighbours(self, rng: random.Random, ident: int, k: int) -> list[int]:
        lo, hi = FIRST_ID, self.last_id
        return [min(hi, max(lo, ident + rng.randint(-300, 300))) for _ in range(k)]

    def _head_static(self, rng: random.Random) -> bytes:
        news = self.news
        css = "".join(
            f'<link href="{news}/css/{name}.css?v=2022{rng.randint(1000, 9999)}" '
            'rel="stylesheet" type="text/css" />\n'
            for name in ("news_2020", "common", "header", "footer", "share", "comment")
        )
        js = "".join(
            f'<script type="text/javascript" src="{news}/js/{name}.js"></script>\n'
            for name in ("jquery-1.8.3.min", "lazyload", "common", "share", "hits", "login")
        )
        rules = []
        for k in range(140):
            rules.append(
                f".m{k:03d} .c{rng.randint(0, 999)}{{margin:{rng.randint(0, 20)}px auto;"
                f"padding:{rng.randint(0, 12)}px;color:#{rng.getrandbits(24):06x};"
                f"font-size:{rng.randint(12, 18)}px;line-height:{rng.randint(18, 30)}px}}"
            )
        return (css + js + '<style type="text/css">' + "\n".join(rules) + "</style>\n").encode()

    def _inline_script(self, rng: random.Random) -> str:
        lines = []
        for k in range(rng.randint(60, 140)):
            name = f"fn_{rng.getrandbits(24):06x}"
            lines.append(
                f"function {name}(a,b){{var c=document.getElementById('box{k}');"
                f"if(!c){{return false;}}c.style.display=a?'block':'none';"
                f"$.ajax({{url:'//news.mydrivers.com/api/{name}.aspx?t='+new Date().getTime(),"
                f"dataType:'jsonp',success:function(d){{c.innerHTML=d.html||'';}}}});return true;}}"
            )
        return '<script type="text/javascript">\n' + "\n".join(lines) + "\n</script>\n"

    def _nav_static(self) -> str:
        news = self.news
        sub = []
        for name, path in _CHANNELS:
            links = "".join(
                f'<a href="{news}{path}{k}.htm" target="_blank">{name}{w}</a>'
                for k, w in enumerate(_WORDS[: 9 + len(name)])
            )
            sub.append(f'<div class="sub_nav"><span>{name}</span>{links}</div>')
        top = "".join(f'<a href="{news}{path}">{name}</a>' for name, path in _CHANNELS)
        return (
            '<div class="top_bg">\n  <div class="top">\n'
            '    <div class="top_left"><a href="//www.mydrivers.com/" class="logo">'
            '<img src="//icons.mydrivers.com/www/2020/logo.png" alt="快科技" /></a></div>\n'
            f'    <div class="top_nav">{top}<a href="//m.mydrivers.com/">手机版</a></div>\n'
            '    <div class="top_search"><form action="//so.mydrivers.com/" method="get">'
            '<input type="text" name="q" class="search_input" value="" />'
            '<input type="submit" value="搜索" /></form></div>\n'
            f'  </div>\n  <div class="nav_more">{"".join(sub)}</div>\n</div>\n'
        )

    def _module(self, rng: random.Random, k: int) -> str:
        news = self.news
        kind = k % 4
        heads = ("热门文章", "一周热门", "精彩图文", "热门评论", "推荐阅读", "最新评测")
        head = heads[k % len(heads)]
        items = []
        for _ in range(rng.randint(10, 24)):
            j = rng.randint(FIRST_ID, self.last_id)
            href = f"{news}{self.article_path(j)}"
            text = html.escape(self._headline(j))
            if kind == 2:
                items.append(
                    f'<li><a href="{href}" target="_blank"><img src="//img1.mydrivers.com/img/'
                    f'{rng.getrandbits(32):08x}.jpg" alt="{text}" width="300" height="170" />'
                    f"<span>{text}</span></a></li>"
                )
            elif kind == 3:
                quote = rng.choice(self._sentences)
                items.append(
                    f'<li><a href="{href}" target="_blank">{text}</a><p class="pl_txt">'
                    f'{quote}</p><span class="pl_user">网友{rng.randint(1, 99999)}</span></li>'
                )
            else:
                items.append(
                    f'<li><span class="num">{len(items) + 1}</span><a href="{href}" '
                    f'target="_blank" title="{text}">{text}</a></li>'
                )
        return (
            f'<div class="rq_news m{k:03d}"><div class="bt">{head}</div>\n<ul>'
            + "\n".join(items)
            + "</ul></div>\n"
        )

    def _comments_block(self, rng: random.Random) -> str:
        out = ['<div class="pl_list"><ul>']
        for _ in range(rng.randint(6, 16)):
            out.append(
                f'<li><div class="pl_user"><img src="//icons.mydrivers.com/user/'
                f'{rng.randint(1, 999)}.png" /><span>快科技网友{rng.randint(1, 999999)}</span>'
                f"<em>{rng.choice(('北京', '广东', '上海', '四川', '江苏'))}</em></div>"
                f'<div class="pl_txt">{rng.choice(self._sentences)}'
                f"{rng.choice(self._sentences)}</div>"
                f'<div class="pl_op"><a href="javascript:;">支持({rng.randint(0, 999)})</a>'
                f'<a href="javascript:;">反对({rng.randint(0, 99)})</a></div></li>'
            )
        out.append("</ul></div>\n")
        return "".join(out)

    def _footer_static(self, rng: random.Random) -> str:
        links = "".join(f'<a href="//www.mydrivers.com/{w}/">{w}</a> | ' for w in _WORDS[40:100])
        return (
            '<div class="footer">\n'
            f'  <p class="links">{links}</p>\n'
            '  <p><a href="//www.mydrivers.com/about/">关于我们</a> | '
            '<a href="//www.mydrivers.com/contact/">联系我们</a> | '
            '<a href="//www.mydrivers.com/jobs/">招聘</a></p>\n'
            "  <p>Copyright &copy; 2003-2024 快科技 All Rights Reserved. "
            "京ICP备05002347号</p>\n</div>\n"
            '<script type="text/javascript">$(function(){ $.get("//news.mydrivers.com/'
            'getnewsupdatelistdata.aspx?newsid=" + newsid); });</script>\n'
        )

    # ------------------------------------------------------------ files

    def write(self, folder: str | Path) -> Path:
        """Write every page under ``folder`` (file path = URL path) with a
        ``_routes.json`` that points the news host at the server."""
        root = Path(folder)
        for path in self.paths():
            data = self.render(path)
            assert data is not None, path
            target = root / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        (root / "robots.txt").write_bytes(b"User-agent: *\nAllow: /\n")
        hosts = [self.news.removeprefix("//")] if self.news.startswith("//") else []
        (root / "_routes.json").write_text(json.dumps({"rewrite_hosts": hosts}))
        return root


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="write a generated site as files")
    parser.add_argument("folder")
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    site = BenchSite(args.n, seed=args.seed)
    root = site.write(args.folder)
    print(f"{len(site.paths())} pages in {root}; start at {site.start_path}")


if __name__ == "__main__":
    main()

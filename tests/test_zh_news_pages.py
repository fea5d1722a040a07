"""The generic extractor on 64 real Chinese news pages nobody here wrote.

Reads ``../shared/data/zh-news-pages`` (third-party data, never copied into
the project) and asserts the targets of the issue: no crash and no mojibake
on any page, the right title on every article page, a date on at least 95%
of them, the author, editor or source wherever the page prints one, and the
four list pages reported as not articles.

The tables below were checked by hand: each title against the headline the
page shows (its h1, h2 or title element), each credit against the label it
is printed after (来源：, 责任编辑：, 记者 ...), each date against the byline.
The test also checks that every expected value is printed in the page, so
the table cannot drift from the data. The pages carry no fetch time, so
relative dates (昨天) are not resolved: ``fetched_at`` is None.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from archiver.errors import NotAnArticle
from archiver.extraction.encoding import decode_html
from archiver.extraction.generic.tree import parse_html, strip_code, text_of
from archiver.extraction.page import Page
from archiver.models import Article
from archiver.sites.generic import GenericSite

from .support import ZH_PAGES

BEIJING = ZoneInfo("Asia/Shanghai")

EXPECTED_TITLES = {
    "articles/163/1.html": '多地项目连环爆雷 狂奔的龙湖集团"暗伤"曝露？',
    "articles/163/2.html": "姚明对周琦说了啥？周琦上下半场判若两人",
    "articles/163/3.html": '奖金711万元！"中国诺贝尔奖"首位获奖女性啥来头?',
    "articles/163/4.html": "华为Mate20X 5G版半天不到需充电 耗电制约5G芯片",
    "articles/163/5.html": "女警打百个电话遭停机 评:运营商识别诈骗智商感人",
    "articles/163/6.html": '男孩因不想上补习班 写"救命啊"纸团抛出引来警察',
    "articles/163/7.html": "亚马逊海外购“限时快闪店”登陆拼多多",
    "articles/163/8.html": "国务院联防联控机制:湖北和武汉要严格管控防输出",
    "articles/163/9.html": "5月20日至31日，京沪高速无锡至江阴大桥至广陵枢纽段封闭！",
    "articles/baijiahao/1.html": "英国美女在殡仪馆工作太痛苦，转行当美人鱼！每小时收入近千元",
    "articles/baijiahao/2.html": "日本最后一家传呼机公司停止服务，殡仪馆为BB机送终",
    "articles/baijiahao/3.html": "这款休闲裤太帅了，让你时尚潮流穿着舒适",
    "articles/baijiahao/4.html": "一袭汉服，一架古筝，90后彭静旋异国他乡只为传播中华文化",
    "articles/cjddsb/1.html": "常德市金融系统积极开展“金融知识普及月 金融知识进万家”活动",
    "articles/cjn/1.html": "外媒眼中的武汉长假：蓬勃发展，欢声笑语",
    "articles/csdn/1.html": "第三届知道安全论坛鸟巢举办 知道创宇发布新版ZoomEye",
    "articles/ednchina/1.html": "阿里发布最强AI芯片：性能“吊打”同行，一块顶十块GPU",
    "articles/gamersky/gamersky.html": "逆水寒再按照这个速度研发下去 应该马上就要收到律师函了！",
    "articles/gsc/1.html": "2019年中国人文地理学术年会在重庆•西南大学成功举行！",
    "articles/guancha/2.html": (
        "我国集成电路进口突破3000亿美元！魏少军：产业结构扭曲，没将产品作为中心"
    ),
    "articles/guancha/3.html": "苹果回应“违反中国劳动法”：大多数指控错误",
    "articles/guancha/guancha.html": "王文：中美贸易“持久战”，中国人的斗志被激发",
    "articles/gzggw/1.html": "1-10月德清县固定资产投资结构趋稳趋优",
    "articles/hexun/1.html": "交通运输部：着力打造京津冀区域综合立体交通网络",
    "articles/huanqiu/1.html": "补壹刀：别笑！18人的“新八国联军”今天成立了",
    "articles/ifeng/1.html": "女童眼睛被塞几十片纸，“无法用科学解释”",
    "articles/ifeng/2.html": "他放弃百万年薪来到这里 唯一的要求竟是……",
    "articles/ifeng/3.html": "疫情防控常态化下，长春市的新经济之路",
    "articles/ifeng/ifeng.html": "董又霖主持首秀状况百出大方道歉：会继续努力",
    "articles/mingridapan/1.html": "最新出炉联合国贸发报告：2019年全球经济增长率降至2.3%",
    "articles/njxfhn/1.html": (
        "[诗婷露雅化妆品]江门七旬阿婆接来电称其涉黑被骗上百万！冒充公检法电诈团伙被端"
    ),
    "articles/people/1.html": "女儿出嫁，郑板桥画了几笔兰花当嫁妆",
    "articles/qq/2.html": "棱镜|数据业大整顿：爬虫与现金贷共生共荣，用户信息几元不等",
    "articles/qq/qq.html": "儿歌一分钱被改成一元钱 原作者女儿：改成这样不觉得拗口吗？",
    "articles/readhub/readhub.html": "运营商 5G 手机促销方式曝光，禁止提供购机补贴",
    "articles/shanxi/1.html": "山西品牌丝路行（南美站）正式启动",
    "articles/sina/1.html": "中国人习以为常的地方 为何老外却说“了不得”？",
    "articles/sina/2.html": '60万"12306账号"外泄? 中铁总辟谣称消息不实',
    "articles/sina/3.html": "债券市场是否存在泡沫？世界知名首席投资官们这么说",
    "articles/sina/4.html": "苹果发布新iPhone 11：64GB售5499元 256GB售6799元",
    "articles/sina/5.html": "陈同佳刑满出狱 向潘晓颖家人鞠躬致歉",
    "articles/sina/sina.html": "最强“中国芯”本月商用 华为抢跑5G芯片大战",
    "articles/stcn/1.html": "午间公告：天奇股份中标广汽丰田项目；运达股份中标7亿元项目",
    "articles/sxmu/1.html": "中华人民共和国监察法",
    "articles/thepaper/1.html": "共享充电宝涨价告别1元时代：是“收割韭菜”还是回归理性",
    # The page itself prints the headline cut short.
    "articles/thepaper/2.html": "定了！广州南沙邮轮母港即将开通！地铁直达+无敌免...",
    "articles/thepaper/3.html": "新年伊始，习近平的重要文章谈了啥？",
    "articles/thepaper/4.html": "定了！广州南沙邮轮母港即将开通！地铁直达+无敌免...",
    "articles/thepaper/5.html": "柳叶刀：味觉嗅觉丧失是新冠感染最强预测指标，优于发烧咳嗽",
    "articles/toutiao/2.html": "最不愁吃肉的国家：顿顿有肉吃，却要靠中国运输蔬菜水果",
    "articles/toutiao/3.html": "海螺沟寻子一个月：儿子消失在眼前十几米，搜寻无果母亲不舍离去",
    "articles/toutiao/4.html": "较强冷空气来袭 全国多地开启“抖抖抖”模式",
    "articles/toutiao/5.html": (
        "顺丰小哥汪勇连升3级，国家授予特别奖：时代永远在奖励解决问题的摆渡人"
    ),
    "articles/toutiao/toutiao.html": "英国独立游戏，经典游戏规则与RPG成长冒险元素结合体验",
    "articles/wechat/1.html": "三星 Galaxy S20 系列手机正式发布",
    "articles/wechat/2.html": "一日一技：在 Python 中实现延迟调用",
    "articles/xds/1.html": "【资讯汇总】9月26日盘中重要资讯汇总 准确把握市场走向",
    "articles/xinhuanet/1.html": "法国全国大罢工再次严重影响交通",
    "articles/zsnews/1.html": "顺德区大良街道党工委委员潘卓辉一行到众创金融街开展调研工作",
    "articles/zyyfy/1.html": (
        "【不忘初心 牢记使命】我院医技药剂党支部举办2019年中药、药学理论知识与专业技能大赛"
    ),
}

# What each page prints after 作者/记者, 责任编辑/编辑/责编, 来源/出处 (checked
# by hand). Pages that print no credit at all: mingridapan, readhub, sxmu
# (an empty 来源:), toutiao/2, wechat/1.
EXPECTED_CREDITS: dict[str, dict[str, object]] = {
    "articles/163/1.html": {"source": "证券市场红周刊", "editor": "杨倩_NF"},
    "articles/163/2.html": {"source": "新京报", "editor": "杜硕_NB"},
    "articles/163/7.html": {"authors": ["陆一夫"], "source": "新京报"},
    "articles/163/8.html": {"source": "新华社", "editor": "李曦_NN"},
    "articles/163/9.html": {"source": "无锡交警"},
    "articles/baijiahao/2.html": {"authors": ["IT之家"]},
    "articles/cjddsb/1.html": {"authors": ["刘玺东", "易赛楠"], "source": "当代商报"},
    "articles/cjn/1.html": {"authors": ["陈智"], "editor": "姚昊", "source": "长江网"},
    "articles/csdn/1.html": {"authors": ["魏星"], "source": "CSDN"},
    "articles/ednchina/1.html": {"editor": "Demi Xia"},
    "articles/gamersky/gamersky.html": {"editor": "棒棒不是糖"},
    "articles/gsc/1.html": {"source": "中国地理学会"},
    "articles/guancha/2.html": {"editor": "刘响", "source": "EETOP"},
    "articles/guancha/3.html": {"editor": "于文凯", "source": "中新网"},
    "articles/guancha/guancha.html": {"authors": ["王文"], "editor": "小婷", "source": "观察者网"},
    "articles/gzggw/1.html": {"source": "省发改委"},
    "articles/hexun/1.html": {"editor": "HN666"},
    "articles/huanqiu/1.html": {"editor": "薛艺磊"},
    "articles/ifeng/1.html": {"authors": ["段彦超", "廖艳"], "source": "澎湃新闻网"},
    "articles/ifeng/2.html": {"source": "新华网"},
    "articles/ifeng/3.html": {"editor": "刘斌", "source": "商讯"},
    "articles/ifeng/ifeng.html": {"editor": "韩保林", "source": "东森新闻云"},
    "articles/njxfhn/1.html": {"authors": ["余毅菁", "向雪妮"]},
    "articles/people/1.html": {"editor": "汤诗瑶", "source": "人民网-文化频道"},
    "articles/qq/2.html": {"authors": ["周纯"], "editor": "biaoffeng"},
    "articles/qq/qq.html": {"authors": ["张楠"]},
    "articles/shanxi/1.html": {"source": "山西日报"},
    "articles/sina/1.html": {"editor": "张迪"},
    "articles/sina/2.html": {"authors": ["裴剑飞"], "editor": "霍琦"},
    "articles/sina/5.html": {"editor": "吴金明"},
    "articles/sina/sina.html": {"editor": "张申"},
    "articles/stcn/1.html": {"authors": ["李在山"], "source": "证券时报网"},
    "articles/thepaper/1.html": {"editor": "张珺"},
    "articles/thepaper/2.html": {"source": "澎湃新闻·澎湃号·政务"},
    "articles/thepaper/3.html": {"editor": "柴敏懿"},
    "articles/thepaper/5.html": {"authors": ["贺梨萍"], "editor": "李跃群", "source": "澎湃新闻"},
    "articles/toutiao/3.html": {"authors": ["林子沛"]},
    "articles/toutiao/toutiao.html": {"authors": ["GameForce"]},
    "articles/xds/1.html": {"source": "天天基金网"},
    "articles/xinhuanet/1.html": {"authors": ["唐霁"], "editor": "尹世杰", "source": "新华网"},
    "articles/zsnews/1.html": {"editor": "龙慧", "source": "东区办事处"},
    "articles/zyyfy/1.html": {"authors": ["医技药剂党支部"], "editor": "苏芳"},
}

# Publication times as the pages print them (Beijing time), checked by hand.
EXPECTED_DATES = {
    "articles/163/1.html": datetime(2019, 9, 7, 13, 43, 45, tzinfo=BEIJING),
    # Printed "发布时间：10-08 12:00"; the year is the update's (dateUpdate
    # 2019-10-08 12:00:57, which used to be given as the publication date).
    "articles/baijiahao/1.html": datetime(2019, 10, 8, 12, 0, tzinfo=BEIJING),
    "articles/baijiahao/3.html": datetime(2018, 3, 8, 23, 16, tzinfo=BEIJING),
    "articles/cjddsb/1.html": datetime(2019, 9, 23, 14, 34, 5, tzinfo=BEIJING),
    "articles/gsc/1.html": datetime(2019, 5, 18, tzinfo=BEIJING),
    "articles/gzggw/1.html": datetime(2016, 11, 22, 9, 53, tzinfo=BEIJING),
    "articles/ifeng/3.html": datetime(2020, 9, 11, 18, 5, tzinfo=BEIJING),
    "articles/people/1.html": datetime(2019, 6, 15, 8, 18, tzinfo=BEIJING),
    "articles/thepaper/5.html": datetime(2020, 6, 6, 10, 8, tzinfo=BEIJING),
    "articles/xinhuanet/1.html": datetime(2019, 12, 10, 7, 57, 40, tzinfo=BEIJING),
    "articles/zsnews/1.html": datetime(2019, 3, 6, tzinfo=BEIJING),
    "articles/zyyfy/1.html": datetime(2019, 10, 31, 23, 0, tzinfo=BEIJING),
}

LIST_PAGES = (
    "list-pages/163/1.html",
    "list-pages/163/2.html",
    "list-pages/netease_forum/1.html",
    "list-pages/tieba/1.html",
)

_cache: dict[str, Article | NotAnArticle] = {}


def _data() -> Path:
    if not ZH_PAGES.is_dir():  # third-party data: read from ../shared, skipped when absent
        pytest.skip(f"the real pages are not at {ZH_PAGES}")
    return ZH_PAGES


def _page(key: str) -> Page:
    raw = (_data() / key).read_bytes()
    text, codec, warnings = decode_html(raw)
    return Page(
        url=f"https://zh-news-pages.example/{key}", html=text, encoding=codec, warnings=warnings
    )


def _extract(key: str) -> Article | NotAnArticle:
    if key not in _cache:
        try:
            _cache[key] = GenericSite().extract_article(_page(key))
        except NotAnArticle as error:
            _cache[key] = error
    return _cache[key]


def _article(key: str) -> Article:
    result = _extract(key)
    assert isinstance(result, Article), f"{key}: {result}"
    return result


def _visible_text(key: str) -> str:
    tree = parse_html(_page(key).html)
    strip_code(tree)
    return " ".join(text_of(tree).split())


def test_the_data_is_what_the_tables_describe() -> None:
    root = _data()
    articles = sorted(p.relative_to(root).as_posix() for p in root.glob("articles/*/*.html"))
    lists = sorted(p.relative_to(root).as_posix() for p in root.glob("list-pages/*/*.html"))
    assert articles == sorted(EXPECTED_TITLES)
    assert lists == sorted(LIST_PAGES)


@pytest.mark.parametrize("key", sorted(EXPECTED_TITLES))
def test_article_page(key: str) -> None:
    article = _article(key)
    Article.model_validate(article.model_dump())
    assert article.title == EXPECTED_TITLES[key]
    assert "mojibake" not in article.warnings
    if "replacement-chars" in article.warnings:
        # Only where the page's own bytes hold U+FFFD.
        assert "\ufffd".encode() in (_data() / key).read_bytes()
    assert article.body_html.strip()
    assert article.language is not None and article.language.startswith("zh")


@pytest.mark.parametrize("key", LIST_PAGES)
def test_list_page_is_not_an_article(key: str) -> None:
    result = _extract(key)
    assert isinstance(result, NotAnArticle)
    assert result.reason == "listing"


def test_a_date_on_95_percent_of_articles() -> None:
    dated = [k for k in EXPECTED_TITLES if _article(k).date_published is not None]
    assert len(dated) >= 0.95 * len(EXPECTED_TITLES), sorted(set(EXPECTED_TITLES) - set(dated))


@pytest.mark.parametrize("key", sorted(EXPECTED_DATES))
def test_date(key: str) -> None:
    assert _article(key).date_published == EXPECTED_DATES[key]


@pytest.mark.parametrize("key", sorted(EXPECTED_CREDITS))
def test_credits(key: str) -> None:
    article = _article(key)
    text = _visible_text(key)
    for field, expected in EXPECTED_CREDITS[key].items():
        values = expected if isinstance(expected, list) else [expected]
        for value in values:
            assert isinstance(value, str) and value in text, f"{value!r} is not printed in {key}"
        assert getattr(article, field) == expected, field


def test_credit_wherever_printed() -> None:
    missing = [
        k
        for k in EXPECTED_CREDITS
        if not (_article(k).authors or _article(k).editor or _article(k).source)
    ]
    assert missing == []


def test_no_crash_and_no_mojibake_on_any_page() -> None:
    for key in [*EXPECTED_TITLES, *LIST_PAGES]:
        page = _page(key)
        assert "mojibake" not in page.warnings, key
        assert page.encoding == "utf-8", key  # all 64 are UTF-8, 4 under a gb2312 label
        _extract(key)

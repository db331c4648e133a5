"""The two small languages of a format file: rules (hotline.format.expression) and sentence
templates (hotline.format.template). Both are staff input, never code: every refusal is a named
error in Chinese with its position, hostile text gets the same, and nothing else ever escapes.
Pure and fast: no files, no builds."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hotline.format import expression, template
from hotline.format.expression import Binary, Call, ExpressionError, Name, Negate, Number
from hotline.format.template import Placeholder, TemplateError

SCORE = {"full_marks": "满分", "base": "基础分", "bonus": "加分值合计", "penalty": "减分值合计"}
ABC = {"a": "甲", "b": "乙", "c": "丙"}
LISTED = "full_marks（满分）、base（基础分）、bonus（加分值合计）、penalty（减分值合计）"
ALLOWED = "只能使用数字、列名、+ − × ÷、括号、min 和 max"
BAISHUI = "min(full_marks, base + bonus - penalty)"
BAISHUI_TYPED = "min（full_marks， base + bonus − penalty）"  # as typed with a Chinese input method


def _score(text: str, bonus, penalty, full_marks=100.0, base=100.0):
    values = {"full_marks": full_marks, "base": base, "bonus": bonus, "penalty": penalty}
    return expression.parse(text, SCORE).evaluate(values)


# Rules: reading and evaluating


@pytest.mark.parametrize(
    "text",
    [BAISHUI, BAISHUI_TYPED, "min（full_marks，base＋bonus－penalty）", " min ( full_marks , base+bonus-penalty ) "],
)
def test_baishui_rule_on_numbers(text):
    assert _score(text, 4.8, 4) == 100.0
    assert _score(text, 0, 4.5) == 95.5
    assert _score(text, 1.5, 3, full_marks=150, base=140) == 138.5
    assert isinstance(_score(text, 0, 0), float)


def test_baishui_rule_on_series_is_elementwise_and_keeps_the_index():
    bonus = pd.Series([4.8, 0.0, 0.0], index=["甲镇", "乙局", "丙局"])
    penalty = pd.Series([4.0, 4.5, 30.0], index=["甲镇", "乙局", "丙局"])
    scores = _score(BAISHUI_TYPED, bonus, penalty)
    pd.testing.assert_series_equal(scores, pd.Series([100.0, 95.5, 70.0], index=["甲镇", "乙局", "丙局"]))
    array = _score(BAISHUI, np.array([4.8, 0.0]), np.array([4.0, 4.5]))
    assert isinstance(array, np.ndarray)
    assert array.tolist() == [100.0, 95.5]


def test_the_parsed_rule_says_what_it_is_and_survives_pickling():
    rule = expression.parse(BAISHUI_TYPED, SCORE)
    assert rule.text == BAISHUI_TYPED
    assert rule.names == frozenset(SCORE)
    assert rule.tree == Call(
        "min",
        (Name("full_marks"), Binary("-", Binary("+", Name("base"), Name("bonus")), Name("penalty"))),
    )
    assert pickle.loads(pickle.dumps(rule)) == rule
    assert expression.parse("100 - penalty", SCORE).names == frozenset({"penalty"})


@pytest.mark.parametrize(
    ("text", "tree", "value"),
    [
        ("a - b - c", Binary("-", Binary("-", Name("a"), Name("b")), Name("c")), 8 - 2 - 4),
        ("a − (b − c)", Binary("-", Name("a"), Binary("-", Name("b"), Name("c"))), 8 - (2 - 4)),
        ("a / b * c", Binary("*", Binary("/", Name("a"), Name("b")), Name("c")), 8 / 2 * 4),
        ("a ÷ (b × c)", Binary("/", Name("a"), Binary("*", Name("b"), Name("c"))), 8 / (2 * 4)),
        ("a + b * c", Binary("+", Name("a"), Binary("*", Name("b"), Name("c"))), 8 + 2 * 4),
        ("(a + b) * c", Binary("*", Binary("+", Name("a"), Name("b")), Name("c")), (8 + 2) * 4),
        ("-a * b", Binary("*", Negate(Name("a")), Name("b")), -8 * 2),
        ("a - -b", Binary("-", Name("a"), Negate(Name("b"))), 8 + 2),
        ("--a", Negate(Negate(Name("a"))), 8),
        ("max(a - b, 0)", Call("max", (Binary("-", Name("a"), Name("b")), Number(0.0, "0"))), 6),
        ("min(a, b, c)", Call("min", (Name("a"), Name("b"), Name("c"))), 2),
        ("0.5 * a", Binary("*", Number(0.5, "0.5"), Name("a")), 4),
        ("007.50", Number(7.5, "7.50"), 7.5),
    ],
)
def test_precedence_and_associativity(text, tree, value):
    rule = expression.parse(text, ABC)
    assert rule.tree == tree
    assert rule.evaluate({"a": 8, "b": 2, "c": 4}) == value


def test_division_by_zero_gives_no_score_rather_than_an_error():
    rule = expression.parse("a / b", ABC)
    assert math.isnan(rule.evaluate({"a": 1, "b": 0}))
    assert math.isnan(rule.evaluate({"a": 0, "b": 0}))
    assert math.isnan(expression.parse("min(a / 0, 100)", ABC).evaluate({"a": 5}))
    divided = rule.evaluate({"a": pd.Series([1.0, 2.0, 3.0]), "b": pd.Series([2, 0, 0])})
    assert divided.iloc[0] == 0.5
    assert divided.iloc[1:].isna().all()
    assert rule.evaluate({"a": pd.Series([1.0, 2.0]), "b": 0}).isna().all()
    over_array = rule.evaluate({"a": 6, "b": np.array([3.0, 0.0])})
    assert over_array[0] == 2.0
    assert math.isnan(over_array[1])


def test_min_and_max_are_elementwise_with_scalars_and_series():
    rule = expression.parse("max(0, min(a, b))", ABC)
    result = rule.evaluate({"a": pd.Series([5.0, -3.0, 9.0]), "b": 6})
    assert result.tolist() == [5.0, 0.0, 6.0]
    assert rule.evaluate({"a": 5, "b": 6}) == 5.0


def test_a_value_left_out_is_named():
    rule = expression.parse(BAISHUI, SCORE)
    with pytest.raises(expression.MissingValue, match="penalty") as caught:
        rule.evaluate({"full_marks": 100, "base": 100, "bonus": 1})
    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == f"计算规则“{BAISHUI}”缺少名称 penalty 的值"
    with pytest.raises(expression.MissingValue, match="bonus"):
        rule.to_excel({"full_marks": "100", "base": "100", "penalty": "C3"})


# Rules: in words and as a spreadsheet formula


def test_baishui_rule_in_words_and_in_the_workbook():
    rule = expression.parse(BAISHUI_TYPED, SCORE)
    assert rule.describe() == "min(满分, 基础分 + 加分值合计 − 减分值合计)"
    assert rule.describe({"full_marks": "100", "base": "100"}) == "min(100, 100 + 加分值合计 − 减分值合计)"
    assert rule.describe({"full_marks": "100", "base": "100", "bonus": "4.8", "penalty": "4"}) == (
        "min(100, 100 + 4.8 − 4)"
    )
    cells = {"full_marks": "100", "base": "100", "bonus": "SUM(B3:B4)", "penalty": "SUM(C3:C4)"}
    # exactly the formula the entry workbook had before the format file
    assert rule.to_excel(cells) == "MIN(100,100+SUM(B3:B4)-SUM(C3:C4))"


@pytest.mark.parametrize(
    ("text", "words", "excel"),
    [
        ("a - b - c", "甲 − 乙 − 丙", "A1-B1-C1"),
        ("a - (b - c)", "甲 − (乙 − 丙)", "A1-(B1-C1)"),
        ("a - (b + c)", "甲 − (乙 + 丙)", "A1-(B1+C1)"),
        ("(a - b) + c", "甲 − 乙 + 丙", "A1-B1+C1"),
        ("a / b * c", "甲 ÷ 乙 × 丙", "A1/B1*C1"),
        ("a / (b * c)", "甲 ÷ (乙 × 丙)", "A1/(B1*C1)"),
        ("(a + b) * c", "(甲 + 乙) × 丙", "(A1+B1)*C1"),
        ("((a)) + ((b * c))", "甲 + 乙 × 丙", "A1+B1*C1"),
        ("-(a + b) * c", "−(甲 + 乙) × 丙", "-(A1+B1)*C1"),
        ("-a * b", "−甲 × 乙", "-A1*B1"),
        ("a - -b", "甲 − (−乙)", "A1-(-B1)"),
        ("--a", "−(−甲)", "-(-A1)"),
        ("max(a − b, 0) ÷ c", "max(甲 − 乙, 0) ÷ 丙", "MAX(A1-B1,0)/C1"),
        ("-min(a, b, 1.50)", "−min(甲, 乙, 1.50)", "-MIN(A1,B1,1.50)"),
    ],
)
def test_words_and_formulas_keep_the_order_of_operations(text, words, excel):
    rule = expression.parse(text, ABC)
    assert rule.describe() == words
    assert rule.to_excel({"a": "A1", "b": "B1", "c": "C1"}) == excel
    # the words, with the names themselves as labels, read back as the same rule
    back = expression.parse(rule.describe({name: name for name in rule.names}), ABC)
    assert back.tree == rule.tree


# Rules: refusals, each with its message and position


def assert_named(error, message: str, position: int | None) -> None:
    """A refusal as staff read it: its message exactly, where it is, a ValueError, picklable."""
    assert error.message == message
    assert str(error) == message
    assert error.position == position
    assert isinstance(error, ValueError)
    assert pickle.loads(pickle.dumps(error)).message == message


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("", f"是空的：请写出算式，{ALLOWED}", None),
        ("　 \t", f"是空的：请写出算式，{ALLOWED}", None),
        ("1" + " " * 300, "太长（301个字符，最多300个）：请简化算式", None),
        ("bonsu", f"未知的名称“bonsu”，是否应为“bonus”？（可用的名称：{LISTED}）", 1),
        ("base + lambda", f"未知的名称“lambda”（可用的名称：{LISTED}）", 8),
        ("(base + bonus", "算式末尾缺少右括号“)”，与第1个字符的左括号配对", 14),
        ("min(base, (bonus)", "算式末尾缺少右括号“)”，与第4个字符的左括号配对", 18),
        ("base)", "第5个字符的右括号“)”没有对应的左括号", 5),
        ("base + bonus）", "第13个字符的右括号“）”没有对应的左括号", 13),
        ("base bonus", "第6个字符“bonus”之前缺少运算符（+ − × ÷）", 6),
        ("2 (base)", "第3个字符“(”之前缺少运算符（+ − × ÷）", 3),
        ("base, bonus", "第5个字符的逗号只能用在 min(…) 和 max(…) 的括号里，分隔各项", 5),
        ("(base, bonus)", "第6个字符的逗号只能用在 min(…) 和 max(…) 的括号里，分隔各项", 6),
        ("base +", "算式不完整：末尾缺少数字或名称", 7),
        ("base + * bonus", "第8个字符“*”之前缺少数字或名称", 8),
        ("+ base", "第1个字符“+”之前缺少数字或名称", 1),
        ("()", "第2个字符“)”之前缺少数字或名称", 2),
        ("min(base)", "第1个字符处的 min 至少要有两项，用逗号隔开：写成 min(a, b)", 1),
        ("max()", "第1个字符处的 max 至少要有两项，用逗号隔开：写成 max(a, b)", 1),
        ("min + 1", "第1个字符处的 min 后面应是左括号：写成 min(a, b)", 1),
        ("MIN(base, 1)", "第1个字符处的“MIN”请写成小写的 min", 1),
        ("abs(bonus)", "第1个字符处的“abs(”不能使用：只能调用 min 和 max", 1),
        ("bonus (1)", "第1个字符处的“bonus(”不能使用：只能调用 min 和 max", 1),
        (
            "base + 1e3",
            "第9个字符处：数字后面不能紧跟字母（不支持科学计数法，如 1e5 请写成 100000；数与名称相乘请写 ×）",
            9,
        ),
        (
            "2bonus",
            "第2个字符处：数字后面不能紧跟字母（不支持科学计数法，如 1e5 请写成 100000；数与名称相乘请写 ×）",
            2,
        ),
        ("base + 1.", "第9个字符处的小数点后缺少数字：小数写成 0.5 这样", 9),
        ("1234567890123456", "第1个字符起的数字“1234567890123456”太长：最多15位有效数字", 1),
        ("base + １００", "第8个字符“１”是全角数字：请改用半角数字 0–9", 8),
        ("基础分 + bonus", "第1个字符起的“基础分”请写成它的名称 base", 1),
        ("得分 + bonus", f"第1个字符起的“得分”不是可用的名称（可用的名称：{LISTED}）", 1),
        ("bonus ** 2", f"第7个字符处的“**”（乘方）不能使用：{ALLOWED}", 7),
        ("bonus ^ 2", f"第7个字符“^”不能使用：{ALLOWED}", 7),
        ("bonus = 2", f"第7个字符“=”不能使用：{ALLOWED}", 7),
        ("bonus < 2", f"第7个字符“<”不能使用：{ALLOWED}", 7),
        ("bonus % 2", f"第7个字符“%”不能使用：{ALLOWED}", 7),
        ("'bonus'", f"第1个字符“'”不能使用：{ALLOWED}", 1),
        ('"bonus"', f'第1个字符“"”不能使用：{ALLOWED}', 1),
        ("[bonus]", f"第1个字符“[”不能使用：{ALLOWED}", 1),
        ("{bonus}", f"第1个字符“{{”不能使用：{ALLOWED}", 1),
        ("bonus.real", f"第6个字符“.”不能使用：{ALLOWED}", 6),
        (".5", f"第1个字符“.”不能使用：{ALLOWED}", 1),
        ("bonus\u00ad", f"第6个字符（U+00AD）不能使用：{ALLOWED}", 6),
        ("bo\u202enus", "第3个字符是不可见的字符（U+202E）：它会隐藏或颠倒文字的显示，请删去", 3),
        ("bonus\u200b", "第6个字符是不可见的字符（U+200B）：它会隐藏或颠倒文字的显示，请删去", 6),
        ("bonus\x00", "第6个字符是不可见的字符（U+0000）：它会隐藏或颠倒文字的显示，请删去", 6),
        ("(" * 21 + "1" + ")" * 21, "第21个字符处嵌套太深（括号、min/max 和负号合计超过20层）：请简化算式", 21),
        ("-" * 21 + "1", "第21个字符处嵌套太深（括号、min/max 和负号合计超过20层）：请简化算式", 21),
        ("min(" * 21 + "1" + ", 1)" * 21, "第81个字符处嵌套太深（括号、min/max 和负号合计超过20层）：请简化算式", 81),
    ],
)
def test_a_rule_that_cannot_be_read_is_named(text, message, position):
    with pytest.raises(ExpressionError) as caught:
        expression.parse(text, SCORE)
    assert_named(caught.value, message, position)


def test_twenty_levels_are_allowed():
    assert expression.parse("(" * 20 + "1" + ")" * 20, SCORE).evaluate({}) == 1.0
    assert expression.parse("-" * 20 + "1", SCORE).evaluate({}) == 1.0
    assert expression.parse("1" + " + 1" * 74, SCORE).evaluate({}) == 75.0  # long chains are loops, not depth


HOSTILE_RULES = [
    "__import__('os')",
    "__import__('os').system('id')",
    "bonus.__class__",
    "bonus.__class__.__mro__",
    "[x for x in ()]",
    "lambda: 1",
    "9**9**9",
    "1e309",
    "(" * 1000 + "1" + ")" * 1000,
    "-" * 299 + "1",
    "(" * 150,
    "bonus; import os",
    "bon\u202eus",
    "bonus\u2066 + 1",
    "eval('1')",
    "open('/etc/passwd')",
    "min.__globals__",
    "().__class__",
    "bonus if 1 else 2",
    "f'{bonus}'",
    "{bonus}",
    "\\x00",
    "bonus\n+ 1\n; 2",
    "1 +\u2028 2",
    "min(bonus, max)",
    "min(,)",
    "max(1,,2)",
    "１＋１",
    "9" * 400,
]


@pytest.mark.parametrize("text", HOSTILE_RULES)
def test_hostile_rules_get_named_errors(text):
    with pytest.raises(ExpressionError) as caught:
        expression.parse(text, SCORE)
    assert caught.value.message
    assert caught.value.position is None or 1 <= caught.value.position <= len(text) + 1


RULE_CHARACTERS = "0123456789.+-−*×/÷()（），, 　_abeimnoprsux加分（e\u202e'[]:;\"{}"


@settings(deadline=None)  # as many inputs as the profile says (conftest.py)
@given(st.text(alphabet=RULE_CHARACTERS, max_size=40) | st.text(max_size=40))
def test_any_text_is_a_rule_or_a_named_error(text):
    try:
        rule = expression.parse(text, ABC)
    except ExpressionError as exc:
        assert exc.message
        return
    value = rule.evaluate(dict.fromkeys(rule.names, 2.0))
    assert isinstance(value, float)
    try:
        back = expression.parse(rule.describe({n: n for n in rule.names}), ABC)
    except ExpressionError as exc:  # the words parenthesise −(−a), which may nest past the limit
        assert "嵌套太深" in exc.message
    else:
        assert back.tree == rule.tree


# Templates


PLACES = {"base": "基础分", "full_marks": "满分", "单位": "单位名称", "unit2": "第二个单位"}
TEMPLATE_LISTED = "可用的占位符：{base}（基础分）、{full_marks}（满分）、{单位}（单位名称）、{unit2}（第二个单位）"
BRACES = "如要写花括号本身，请写成“{{”和“}}”"


def test_a_template_is_literal_text_and_placeholders():
    text = "综合得分以{base}分为基础，最高{full_marks}分；{单位}与{unit2}并列。"
    parsed = template.parse(text, PLACES)
    assert parsed.text == text
    assert parsed.names == frozenset(PLACES)
    assert parsed.parts == (
        "综合得分以",
        Placeholder("base"),
        "分为基础，最高",
        Placeholder("full_marks"),
        "分；",
        Placeholder("单位"),
        "与",
        Placeholder("unit2"),
        "并列。",
    )
    values = {"base": "100", "full_marks": "100", "单位": "甲局", "unit2": "乙局", "unused": "x"}
    assert parsed.render(values) == "综合得分以100分为基础，最高100分；甲局与乙局并列。"
    assert pickle.loads(pickle.dumps(parsed)) == parsed


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        ("{{literal}}", "{literal}"),
        ("{{{base}}}", "{100}"),
        ("}}{{", "}{"),
        ("", ""),
        ("没有占位符", "没有占位符"),
        ("{base}{base}", "100100"),
    ],
)
def test_doubled_braces_are_literal(text, rendered):
    assert template.parse(text, PLACES).render({"base": "100"}) == rendered


def test_values_are_inserted_as_they_are_never_formatted():
    parsed = template.parse("{base}/{full_marks}", PLACES)
    assert (
        parsed.render({"base": "{full_marks}", "full_marks": "{0.__class__}%s{}"}) == "{full_marks}/{0.__class__}%s{}"
    )


def test_a_value_left_out_or_not_text_is_named():
    parsed = template.parse("最高{full_marks}分", PLACES)
    with pytest.raises(template.MissingPlaceholder) as caught:
        parsed.render({"base": "100"})
    assert isinstance(caught.value, KeyError)
    assert caught.value.name == "full_marks"
    assert str(caught.value) == "模板“最高{full_marks}分”缺少占位符 {full_marks} 的值"
    with pytest.raises(TypeError, match=r"\{full_marks\} 的值应为文字（str），实为 int"):
        parsed.render({"full_marks": 100})


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("x" * 1001, "太长（1001个字符，最多1000个）", None),
        ("共{}分", f"第2个字符处的“{{}}”是空的占位符：请在花括号中写上名称（{TEMPLATE_LISTED}）；{BRACES}", 2),
        ("{0}", f"第1个字符处的占位符“{{0}}”以数字开头：花括号中只能写一个名称（{TEMPLATE_LISTED}）", 1),
        ("{1base}", f"第1个字符处的占位符“{{1base}}”以数字开头：花括号中只能写一个名称（{TEMPLATE_LISTED}）", 1),
        (
            "{a.__class__}",
            f"第1个字符处的占位符“{{a.__class__}}”含有“.”：花括号中只能写一个名称（{TEMPLATE_LISTED}）；{BRACES}",
            1,
        ),
        ("{a[0]}", f"第1个字符处的占位符“{{a[0]}}”含有“[”：花括号中只能写一个名称（{TEMPLATE_LISTED}）；{BRACES}", 1),
        ("{a!r}", f"第1个字符处的占位符“{{a!r}}”含有“!”：花括号中只能写一个名称（{TEMPLATE_LISTED}）；{BRACES}", 1),
        ("{a:>10}", f"第1个字符处的占位符“{{a:>10}}”含有“:”：花括号中只能写一个名称（{TEMPLATE_LISTED}）；{BRACES}", 1),
        ("{a:{b}}", f"第1个字符的“{{”没有对应的“}}”：占位符写成 {{名称}}；{BRACES}", 1),  # a nested “{” opens first
        (
            "{ base }",
            f"第1个字符处的占位符“{{ base }}”含有空格：花括号中只能写一个名称（{TEMPLATE_LISTED}）；{BRACES}",
            1,
        ),
        (
            "{满分（100）}",
            f"第1个字符处的占位符“{{满分（100）}}”含有“（”：花括号中只能写一个名称（{TEMPLATE_LISTED}）；{BRACES}",
            1,
        ),
        (
            "{ba\u00adse}",
            "第1个字符处的占位符“{ba\u00adse}”含有字符 U+00AD："
            f"花括号中只能写一个名称（{TEMPLATE_LISTED}）；{BRACES}",
            1,
        ),
        ("共{", f"第2个字符的“{{”没有对应的“}}”：占位符写成 {{名称}}；{BRACES}", 2),
        ("{base", f"第1个字符的“{{”没有对应的“}}”：占位符写成 {{名称}}；{BRACES}", 1),
        ("}", f"第1个字符的“}}”没有对应的“{{”：{BRACES}", 1),
        ("{base}}", f"第7个字符的“}}”没有对应的“{{”：{BRACES}", 7),
        ("{bse}", f"第1个字符处是未知的占位符“{{bse}}”，是否应为“{{base}}”？（{TEMPLATE_LISTED}）", 1),
        ("得分{score}", f"第3个字符处是未知的占位符“{{score}}”（{TEMPLATE_LISTED}）", 3),
        ("满分\u202e{base}", "第3个字符是不可见的字符（U+202E）：它会隐藏或颠倒文字的显示，请删去", 3),
        ("\u2028", "第1个字符是不可见的字符（U+2028）：它会隐藏或颠倒文字的显示，请删去", 1),
    ],
)
def test_a_template_that_cannot_be_read_is_named(text, message, position):
    with pytest.raises(TemplateError) as caught:
        template.parse(text, PLACES)
    assert_named(caught.value, message, position)


def test_where_no_placeholder_is_allowed_the_message_says_so():
    with pytest.raises(TemplateError, match=r"未知的占位符“\{base\}”（此处不能使用占位符）"):
        template.parse("{base}", {})


HOSTILE_TEMPLATES = [
    "{base.__class__.__mro__}",
    "{base.__init__.__globals__}",
    "{base[__import__]}",
    "{base!s:{full_marks}}",
    "{base:%Y}",
    "{0.__class__}",
    "{__class__}",
    "{__import__('os')}",
    "{base()}",
    "{{{base",
    "{" * 601,
    "}" * 3,
    "{base\u202e}",
    "{\u0000}",
    "{base}{{{",
]


@pytest.mark.parametrize("text", HOSTILE_TEMPLATES)
def test_hostile_templates_get_named_errors(text):
    with pytest.raises(TemplateError) as caught:
        template.parse(text, PLACES)
    assert caught.value.message


def test_other_template_syntaxes_are_just_text():
    text = "${base} %s %(base)s {{base}} $base"
    assert template.parse(text, PLACES).render({"base": "1"}) == "$1 %s %(base)s {base} $base"


@settings(deadline=None)  # as many inputs as the profile says (conftest.py)
@given(st.text(alphabet="{}ab_0.[]!:满分 base\u202e", max_size=30) | st.text(max_size=30))
def test_any_text_is_a_template_or_a_named_error(text):
    try:
        parsed = template.parse(text, {"a": "甲", "满分": "满分", "base": "基础分"})
    except TemplateError as exc:
        assert exc.message
        return
    rendered = parsed.render(dict.fromkeys(parsed.names, "值"))
    assert isinstance(rendered, str)
    assert rendered.count("值") >= len(parsed.names)


def test_the_functions_a_rule_uses_are_known_so_a_page_can_explain_them():
    names = {"bonus": "加分值", "penalty": "减分值"}
    assert expression.parse("min(100, 100 + bonus - max(penalty, 0))", names).calls == {"min", "max"}
    assert expression.parse("100 + bonus - (penalty)", names).calls == frozenset()


def test_a_brace_left_open_before_a_placeholder_is_named_where_it_opens():
    """“{每个单位以{base}” is an unclosed “{” at character 1, not a placeholder containing “{”."""
    with pytest.raises(TemplateError) as caught:
        template.parse("{每个单位以{base}分为基础", {"base": "基础分"})
    assert caught.value.position == 1
    assert caught.value.message.startswith("第1个字符的“{”没有对应的“}”")

"""Each platform's limits, counted as the platform counts (pure: no database)."""

import pytest

from itcell.publishing.limits import (
    LIMITS,
    MB,
    MediumFacts,
    as_json,
    check,
    graphemes,
    hashtags,
    length,
    text_limit,
)

URL = "https://www.example.org/a/very/long/path/to/the/flood/relief/notice?from=vip&lang=hi"
PHOTO = MediumFacts("image/jpeg", 900_000, "camp.jpg")  # small enough for every platform
CLIP = MediumFacts("video/mp4", 20 * MB, "rally.mp4")


def messages(platform: str, text: str, media: list[MediumFacts] | None = None) -> list[str]:
    return [p.message for p in check(platform, text, media or [])]


# X: twitter-text's weighted length ---------------------------------------------------------


def test_x_counts_latin_as_one():
    assert length("x", "a" * 280) == 280


def test_x_counts_every_url_as_23_whatever_its_length():
    assert len(URL) > 23
    assert length("x", f"See {URL}") == 4 + 23
    assert length("x", f"{URL} and http://a.in") == 23 + 5 + 23


def test_x_counts_devanagari_as_one_per_code_point():
    assert length("x", "बहादुरगंज") == len("बहादुरगंज") == 9
    assert length("x", "क्ष") == 3


def test_x_counts_emoji_as_two():
    assert length("x", "🙂") == 2
    assert length("x", "राहत 🙏") == 5 + 2


def test_x_limit_is_280_weighted():
    assert messages("x", "🙂" * 140) == []
    assert messages("x", "🙂" * 141) == ["282 of 280 characters: shorten it by 2."]
    assert messages("x", "क" * 280) == []
    assert messages("x", "क" * 281) == ["281 of 280 characters: shorten it by 1."]


def test_a_long_url_does_not_push_an_x_post_over():
    text = "क" * 250 + " " + URL  # 250 + 1 + 23 = 274 weighted, though 336 characters
    assert len(text) > 280
    assert messages("x", text) == []


# Bluesky: graphemes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("क्ष", 1),  # क + virama + ष: one conjunct
        ("स्वास्थ्य", 2),  # स्वा + स्थ्य
        ("हिन्दी", 2),  # हि + न्दी
        ("नमस्ते", 3),  # न + म + स्ते
        ("ज\u093cिला", 2),  # ज + a separate nukta + ि, then ला
        ("बहादुरगंज", 6),  # ब हा दु र गं ज
        ("hello", 5),
    ],
)
def test_bluesky_counts_user_perceived_characters(text, count):
    assert graphemes(text) == count
    assert length("bluesky", text) == count


def test_bluesky_limit_is_300_graphemes_not_code_points():
    conjuncts = "क्ष" * 300  # 900 code points
    assert messages("bluesky", conjuncts) == []
    assert messages("bluesky", conjuncts + "क्ष") == ["301 of 300 characters: shorten it by 1."]


# Mastodon: characters, URLs 23 -----------------------------------------------------------


def test_mastodon_counts_urls_as_23_and_every_character_as_one():
    assert length("mastodon", f"See {URL}") == 4 + 23
    assert length("mastodon", "🙂") == 1
    assert length("mastodon", "क्ष") == 3


def test_mastodon_limit_is_500():
    assert messages("mastodon", "a" * 477 + URL) == []
    assert messages("mastodon", "a" * 478 + URL) == ["501 of 500 characters: shorten it by 1."]


# Telegram: a shorter caption with media ------------------------------------------------


def test_telegram_takes_4096_characters_of_text_but_1024_of_caption():
    text = "क" * 1500

    assert text_limit("telegram", with_media=False) == 4096
    assert text_limit("telegram", with_media=True) == 1024
    assert messages("telegram", text) == []
    assert messages("telegram", text, [PHOTO]) == ["1500 of 1024 characters: shorten it by 476."]
    assert messages("telegram", "क" * 4097) == ["4097 of 4096 characters: shorten it by 1."]


def test_platforms_without_a_caption_limit_keep_their_limit_with_media():
    assert text_limit("x", with_media=True) == 280
    assert text_limit("facebook", with_media=True) == 63206


# Media: how many, how big, mixed ------------------------------------------------------------


def test_x_takes_at_most_four_images():
    assert messages("x", "Camps", [PHOTO] * 4) == []
    assert messages("x", "Camps", [PHOTO] * 5) == ["At most 4 images per post here."]


def test_telegram_takes_ten_media():
    assert messages("telegram", "Camps", [PHOTO] * 10) == []
    assert messages("telegram", "Camps", [PHOTO] * 11) == ["At most 10 images per post here."]


def test_images_and_a_video_mix_only_where_the_platform_allows():
    refused = "This platform takes images or a video, not both in one post."

    assert messages("x", "Camps", [PHOTO, CLIP]) == [refused]
    assert messages("bluesky", "Camps", [PHOTO, CLIP]) == [refused]
    assert messages("telegram", "Camps", [PHOTO, CLIP]) == []
    assert LIMITS["whatsapp"].mixed


def test_one_video_per_post_on_x():
    assert messages("x", "Rally", [CLIP]) == []
    assert len(messages("x", "Rally", [CLIP, CLIP])) == 1


def test_a_file_over_the_platforms_size_is_named():
    big = MediumFacts("image/jpeg", 6 * MB, "banner.jpg")

    assert messages("x", "Camps", [big]) == [
        "“banner.jpg” is 6.0 MB; this platform takes at most 5 MB."
    ]
    assert messages("mastodon", "Camps", [big]) == []  # 16 MB there


def test_bluesky_images_stop_at_one_million_bytes():
    assert messages("bluesky", "Camps", [MediumFacts("image/png", MB, "a.png")]) == []
    assert len(messages("bluesky", "Camps", [MediumFacts("image/png", MB + 1, "a.png")])) == 1


def test_video_size_is_checked_against_the_video_limit():
    long_clip = MediumFacts("video/mp4", 60 * MB, "speech.mp4")

    assert messages("x", "Speech", [long_clip]) == []  # 512 MB
    assert messages("telegram", "Speech", [long_clip]) == [
        "“speech.mp4” is 60.0 MB; this platform takes at most 50 MB."
    ]


def test_empty_text_without_media_is_nothing_to_post():
    assert messages("x", "   ") == ["There is nothing to post."]
    assert messages("x", "", [PHOTO]) == []


def test_every_problem_names_the_field_it_belongs_to():
    problems = check("x", "🙂" * 141, [PHOTO] * 5, field="variant_7")

    assert len(problems) == 2
    assert {p.field for p in problems} == {"variant_7"}


def test_limits_go_to_the_compose_screen_as_plain_values():
    limits = as_json()

    assert set(limits) == set(LIMITS)
    assert limits["x"]["chars"] == 280
    assert limits["telegram"]["caption_chars"] == 1024
    assert limits["bluesky"]["counts"] == "graphemes"


# Hashtags ---------------------------------------------------------------------------------


def test_hindi_hashtags_keep_their_vowel_signs_and_nuktas():
    text = "बाढ़ पीड़ितों के लिए #बाढ़_राहत और #स्वास्थ्य_सेवा। #हिन्दी, #FloodRelief!"

    assert hashtags(text) == ["बाढ़_राहत", "स्वास्थ्य_सेवा", "हिन्दी", "FloodRelief"]


def test_a_hashtag_ends_at_a_danda_or_punctuation():
    assert hashtags("#शिक्षा। #रोज़गार॥ (#बिहार)") == ["शिक्षा", "रोज़गार", "बिहार"]


def test_a_hash_inside_a_word_is_not_a_hashtag():
    assert hashtags("C#, a#b and ##") == []


def test_a_links_fragment_is_not_a_hashtag():
    assert hashtags("Notice: https://example.org/relief/#camps and #राहत") == ["राहत"]


@pytest.mark.parametrize(
    "emoji", ["👨\u200d👩\u200d👧", "🇮🇳", "👍🏽"], ids=["family", "flag", "tone"]
)
def test_bluesky_counts_an_emoji_sequence_as_one(emoji):
    assert graphemes(emoji) == 1

"""Migration stories/0009: an existing site's tags re-slugged as `tag_slug` makes them now, and
the tags of one folded slug merged into the oldest, with everything that pointed at them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("stories", "0008_story_revised_at"), ("wire", "0003_subscriber_inbound")]
AFTER = [("stories", "0009_tags_folded_like_search")]


def migrate(targets):
    """The database migrated to `targets`; the models as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before():
    """The models as they were before the migration (the database migrated back to then),
    and the database migrated to the newest state again after the test."""
    yield migrate(BEFORE)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)  # the schema editor runs outside a transaction
def test_tags_of_one_folded_slug_are_merged_with_everything_that_pointed_at_them(before, capsys):
    old = before.get_model
    Tag = old("stories", "Tag")
    edition = old("editions", "Edition").objects.create(code="fa", name="فارسی", language="fa")
    section = old("stories", "Section").objects.create(edition=edition, slug="world", name="جهان")
    other = old("stories", "Section").objects.create(edition=edition, slug="eco", name="اقتصاد")
    persian = Tag.objects.create(slug="اوپک", name="اوپک")  # the oldest: it stays
    arabic = Tag.objects.create(slug="اوپك", name="اوپك", vocabulary="org")
    stretched = Tag.objects.create(slug="اوپـك", name="اوپـك")
    lone = Tag.objects.create(slug="ايران", name="ايران")  # no Persian twin: re-slugged only
    oil = Tag.objects.create(slug="oil", name="Oil")

    Story = old("stories", "Story")

    def story(headline, *tags):
        made = Story.objects.create(edition=edition, headline=headline, lead=".", slug="s")
        made.tags.set(tags)
        return made

    both = story("both spellings", persian, arabic, stretched, oil)
    arabic_only = story("arabic only", arabic, lone)
    stretched_only = story("stretched only", stretched)

    Subscriber = old("wire", "Subscriber")
    watching = Subscriber.objects.create(name="A", key_prefix="a", key_hash="a")
    watching.tags.set([arabic, persian])
    arabic_watcher = Subscriber.objects.create(name="B", key_prefix="b", key_hash="b")
    arabic_watcher.tags.set([arabic])

    Mapping = old("stories", "SectionMapping")
    Mapping.objects.create(edition=edition, tag=persian, section=section)
    Mapping.objects.create(edition=edition, tag=arabic, section=other)  # the same edition: goes
    topic = old("wire", "MediaTopic").objects.create(code="04000000", label_en="economy")
    old("wire", "TopicMapping").objects.create(tag=arabic, topic=topic)  # the kept tag has none

    new = migrate(AFTER).get_model
    Tag = new("stories", "Tag")
    assert sorted(Tag.objects.values_list("pk", "slug", "name")) == [
        (persian.pk, "اوپک", "اوپک"),
        (lone.pk, "ایران", "ايران"),  # the slug folded, the name as written
        (oil.pk, "oil", "Oil"),
    ]
    tags_of = {
        s.headline: sorted(s.tags.values_list("slug", flat=True))
        for s in new("stories", "Story").objects.all()
    }
    assert tags_of == {
        both.headline: ["oil", "اوپک"],
        arabic_only.headline: ["اوپک", "ایران"],
        stretched_only.headline: ["اوپک"],
    }
    subscribers = new("wire", "Subscriber").objects
    assert [t.pk for t in subscribers.get(pk=watching.pk).tags.all()] == [persian.pk]
    assert [t.pk for t in subscribers.get(pk=arabic_watcher.pk).tags.all()] == [persian.pk]
    assert list(new("stories", "SectionMapping").objects.values_list("tag", "section")) == [
        (persian.pk, section.pk)
    ]
    assert list(new("wire", "TopicMapping").objects.values_list("tag", "topic")) == [
        (persian.pk, topic.code)
    ]
    assert "2 tags merged" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_a_site_with_nothing_to_fold_is_left_as_it_was(before, capsys):
    Tag = before.get_model("stories", "Tag")
    Tag.objects.create(slug="oil", name="Oil")
    Tag.objects.create(slug="ـــ", name="ـــ")  # nothing left of it folded: not touched
    Tag.objects.create(slug="ایران", name="ایران")
    rows = sorted(Tag.objects.values_list("pk", "slug", "name"))
    Tag = migrate(AFTER).get_model("stories", "Tag")
    assert sorted(Tag.objects.values_list("pk", "slug", "name")) == rows
    assert capsys.readouterr().out == ""


@pytest.mark.django_db(transaction=True)
def test_tags_written_with_heh_yeh_are_folded_on_a_site_past_the_first_folding(capsys):
    """Migration stories/0010: ۀ (the ezafe's heh with yeh above, as Persian keyboards type it)
    is ه in a slug now; a site that ran 0009 before that has its tags folded again."""
    Tag = migrate(AFTER).get_model("stories", "Tag")
    plain = Tag.objects.create(slug="بودجه", name="بودجه")
    with_yeh = Tag.objects.create(slug="بودجۀ", name="بودجۀ")
    phrase = Tag.objects.create(slug="خانۀ-ملت", name="خانۀ ملت")
    Tag = migrate([("stories", "0010_tags_folded_with_heh_yeh")]).get_model("stories", "Tag")
    assert sorted(Tag.objects.values_list("pk", "slug", "name")) == [
        (plain.pk, "بودجه", "بودجه"),
        (phrase.pk, "خانه-ملت", "خانۀ ملت"),
    ]
    assert not Tag.objects.filter(pk=with_yeh.pk).exists()
    assert "1 tags merged" in capsys.readouterr().out
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_every_tag_is_keyed_by_its_name_and_keeps_its_address(capsys):
    """Migration stories/0011: a tag's key is its name's (`tag_key`); a tag named as an older
    one (renamed so in the admin) is left without a key, at its address, with its stories."""
    old = migrate([("stories", "0010_tags_folded_with_heh_yeh")]).get_model
    Tag = old("stories", "Tag")
    cpp = Tag.objects.create(slug="c", name="C++")
    renamed = Tag.objects.create(slug="budget", name="State Budget")
    later = Tag.objects.create(slug="state-budget", name="state  budget")
    nameless = Tag.objects.create(slug="ـــ", name="ـــ")
    Story = old("stories", "Story")
    edition = old("editions", "Edition").objects.create(code="en", name="English", language="en")
    Story.objects.create(edition=edition, headline="h", lead=".", slug="s").tags.set([later])
    new = migrate([("stories", "0011_tags_keyed_by_name")]).get_model
    assert sorted(new("stories", "Tag").objects.values_list("pk", "slug", "name", "key")) == [
        (cpp.pk, "c", "C++", "c++"),
        (renamed.pk, "budget", "State Budget", "state-budget"),
        (later.pk, "state-budget", "state  budget", None),
        (nameless.pk, "ـــ", "ـــ", None),
    ]
    assert list(new("stories", "Story").objects.get().tags.values_list("pk")) == [(later.pk,)]
    out = capsys.readouterr().out
    assert "2 tags named as an older tag" in out and "state-budget, ـــ" in out
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_tags_one_without_arabic_marks_or_abbreviation_periods_are_merged(capsys):
    """Migration stories/0014: keys drop the hamza and madda ("أمريكا" is "امریکا"), write
    digits in ASCII ("۲۰۲۶" is "2026") and drop an abbreviation's periods ("U.S." is "US"):
    the tags now one are merged into the oldest, with their stories; addresses stay."""
    old = migrate([("stories", "0013_change_names_the_lists_left")]).get_model
    Tag = old("stories", "Tag")
    hamza = Tag.objects.create(slug="أمریکا", name="أمريكا", key="أمریکا")  # the oldest
    bare = Tag.objects.create(slug="امریکا", name="امريكا", key="امریکا")
    dotted = Tag.objects.create(slug="us", name="U.S.", key="u.s.")
    plain = Tag.objects.create(slug="us-2", name="US", key="us")
    symbol = Tag.objects.create(slug="إ", name="إ#", key="إ#")
    year = Tag.objects.create(slug="2026", name="2026", key="2026")
    persian_year = Tag.objects.create(slug="۲۰۲۶", name="۲۰۲۶", key="۲۰۲۶")
    Story = old("stories", "Story")
    edition = old("editions", "Edition").objects.create(code="ar", name="عربي", language="ar")
    story = Story.objects.create(edition=edition, headline="h", lead=".", slug="s")
    story.tags.set([bare, plain])
    watching = old("wire", "Subscriber").objects.create(name="A", key_prefix="a", key_hash="a")
    watching.tags.set([hamza, bare, persian_year])

    new = migrate([("stories", "0014_tags_folded_without_arabic_marks")]).get_model
    assert sorted(new("stories", "Tag").objects.values_list("pk", "slug", "name", "key")) == [
        (hamza.pk, "أمریکا", "أمريكا", "امریکا"),
        (dotted.pk, "us", "U.S.", "us"),
        (symbol.pk, "إ", "إ#", "ا#"),
        (year.pk, "2026", "2026", "2026"),
    ]
    assert sorted(new("stories", "Story").objects.get().tags.values_list("pk", flat=True)) == [
        hamza.pk,
        dotted.pk,
    ]
    subscriber = new("wire", "Subscriber").objects.get()
    assert sorted(subscriber.tags.values_list("pk", flat=True)) == [hamza.pk, year.pk]
    assert "3 tags merged" in capsys.readouterr().out
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)  # the schema editor runs outside a transaction
def test_tags_named_with_a_zwnj_get_slugs_that_separate_its_words():
    """Migration stories/0019; a new slug another tag has is numbered; the rest untouched."""
    old = migrate([("stories", "0018_body_links_without_ugc")]).get_model
    Tag = old("stories", "Tag")
    rail = Tag.objects.create(slug="راهآهن", name="راه\u200cآهن", key="راهاهن")
    spaced = Tag.objects.create(slug="برقی-کردن", name="برقی کردن", key="برقی-کردن")
    joined = Tag.objects.create(slug="برقیکردن", name="برقی\u200cکردن", key="برقیکردن")
    oil = Tag.objects.create(slug="oil", name="Oil", key="oil")
    new = migrate([("stories", "0019_tag_slugs_split_at_zwnj")]).get_model
    slugs = dict(new("stories", "Tag").objects.values_list("pk", "slug"))
    assert slugs == {
        rail.pk: "راه-آهن",
        spaced.pk: "برقی-کردن",
        joined.pk: "برقی-کردن-2",
        oil.pk: "oil",
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

"""Clip folders in the Speech Commands layout: label mapping, speaker ids and the speaker split."""

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from kwapp.train.dataset import (
    SILENCE,
    STANDARD_LABELS,
    UNKNOWN,
    Clip,
    is_held_out,
    load_clips,
    map_label,
    scan_folder,
    speaker_of,
    split_by_speaker,
)
from kwapp.train.fit import TrainConfig, gather

DATA = Path(__file__).parent / "data" / "kws"


def synthetic_clips(n_speakers: int = 200) -> list[Clip]:
    """Clips of many speakers with both Speech Commands name forms; the files need not exist."""
    clips = []
    for i in range(n_speakers):
        speaker = f"{i * 7919:08x}"
        for n in range(3):
            clips.append(Clip(Path(f"yes/{speaker}_nohash_{n}.flac"), "yes", "yes", speaker_of(Path(f"{speaker}_nohash_{n}.flac"))))
        path = Path(f"_unknown_/bed_{speaker}_nohash_0.wav.flac")
        clips.append(Clip(path, "_unknown_", UNKNOWN, speaker_of(path)))
    return clips


@pytest.mark.parametrize(
    ("name", "speaker"),
    [
        ("0ea0e2f4_nohash_0.flac", "0ea0e2f4"),
        ("bed_0ea0e2f4_nohash_1.wav.flac", "0ea0e2f4"),  # _unknown_ clips of the v0.02 test set
        ("1024.flac", "1024"),
        ("take_003.wav", "take_003"),
    ],
)
def test_speaker_of_names(name, speaker):
    assert speaker_of(Path(name)) == speaker


def test_split_is_speaker_disjoint():
    train, held = split_by_speaker(synthetic_clips(), 40.0)
    assert {c.speaker for c in train}.isdisjoint({c.speaker for c in held})


def test_split_keeps_every_clip():
    clips = synthetic_clips()
    train, held = split_by_speaker(clips, 40.0)
    assert sorted(map(str, (c.path for c in train + held))) == sorted(map(str, (c.path for c in clips)))


def test_split_share_near_percent():
    _, held = split_by_speaker(synthetic_clips(400), 40.0)
    share = len({c.speaker for c in held}) / 400
    assert 0.3 < share < 0.5


def test_split_deterministic_and_order_free():
    clips = synthetic_clips()
    shuffled = clips[:]
    random.Random(3).shuffle(shuffled)
    _, held = split_by_speaker(clips, 40.0)
    _, held_shuffled = split_by_speaker(shuffled, 40.0)
    assert {c.path for c in held} == {c.path for c in held_shuffled}


def test_split_pinned_speakers():
    # The split hashes the id with CRC-32, so it is the same in every process and on every machine.
    assert not is_held_out("0cb74144", 50.0)
    assert not is_held_out("0ea0e2f4", 50.0)
    assert is_held_out("1acc97de", 50.0)
    assert is_held_out("1b4c9b89", 50.0)


@pytest.mark.parametrize(("percent", "expected_held"), [(0.0, 0), (100.0, 800)])
def test_split_extreme_percents(percent, expected_held):
    _, held = split_by_speaker(synthetic_clips(), percent)
    assert len(held) == expected_held


def test_split_grows_with_percent():
    clips = synthetic_clips()
    _, small = split_by_speaker(clips, 20.0)
    _, large = split_by_speaker(clips, 40.0)
    assert {c.path for c in small} <= {c.path for c in large}


@pytest.mark.parametrize(
    ("word", "label"),
    [
        ("yes", "yes"),
        ("bed", UNKNOWN),
        ("sheila", UNKNOWN),
        (UNKNOWN, UNKNOWN),
        (SILENCE, SILENCE),
        ("_background_noise_", SILENCE),
        ("_noise_", SILENCE),
    ],
)
def test_map_label_standard(word, label):
    assert map_label(word, STANDARD_LABELS) == label


def test_map_label_without_catch_all_classes():
    labels = ("yes", "no")
    assert map_label("bed", labels) is None
    assert map_label("_background_noise_", labels) is None
    assert map_label("no", labels) == "no"


@pytest.fixture
def layout(tmp_path) -> Path:
    """A <word>/<clip> folder with a keyword, unknown words, a noise folder and a stray text file."""
    for word, src in [
        ("yes", DATA / "yes" / "0cb74144_nohash_0.flac"),
        ("bed", DATA / "_unknown_" / "bed_0ea0e2f4_nohash_1.wav.flac"),
        ("nine", DATA / "_unknown_" / "nine_1b4c9b89_nohash_2.wav.flac"),
        ("_background_noise_", DATA / "_background_noise_" / "running_tap_2s.flac"),
    ]:
        (tmp_path / word).mkdir()
        shutil.copy(src, tmp_path / word / src.name)
    (tmp_path / "yes" / "README.txt").write_text("not audio")
    return tmp_path


def test_scan_folder_labels(layout):
    clips = scan_folder(layout)
    assert {c.word: c.label for c in clips} == {
        "yes": "yes",
        "bed": UNKNOWN,
        "nine": UNKNOWN,
        "_background_noise_": SILENCE,
    }


def test_scan_folder_skips_unmapped_words(layout):
    clips = scan_folder(layout, ("yes", "no"))
    assert [c.word for c in clips] == ["yes"]


def test_scan_folder_rejects_empty(tmp_path):
    (tmp_path / "yes").mkdir()
    with pytest.raises(ValueError, match="no audio clips found"):
        scan_folder(tmp_path)


def test_scan_folder_rejects_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        scan_folder(tmp_path / "absent")


def test_committed_clips_split_by_speaker():
    clips = scan_folder(DATA)
    train, held = split_by_speaker(clips, 50.0)
    assert {c.speaker for c in train} == {"0cb74144", "0ea0e2f4", "1024", "running_tap_2s"}
    assert {c.speaker for c in held} == {"1acc97de", "1b4c9b89"}


def test_gather_holds_out_unknown_words_of_held_speakers():
    train, held = gather(TrainConfig(data=(DATA,), held_out_percent=50.0))
    held_unknown = {c.path.name for c in held if c.label == UNKNOWN}
    assert held_unknown == {"learn_1acc97de_nohash_0.wav.flac", "nine_1b4c9b89_nohash_2.wav.flac"}
    assert {c.speaker for c in train}.isdisjoint({c.speaker for c in held})


def test_load_clips_fits_length():
    clips = scan_folder(DATA)
    audio = load_clips(clips, 16000)
    assert audio.shape == (len(clips), 16000)
    assert audio.dtype == np.float32
    noise_row = [c.word for c in clips].index("_background_noise_")
    assert np.abs(audio[noise_row]).max() > 0  # the 2 s noise clip is cut, not dropped

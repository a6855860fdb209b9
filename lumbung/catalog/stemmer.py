"""A small Indonesian stemmer for product search (after Nazief & Adriani, 1996).

Why our own: PostgreSQL's Snowball ``indonesian`` config stems "kemasan" to "masan" and "pengemasan"
to "emas" (gold), and it does not fold reduplication ("sayur-sayuran"). Stemming in Python also
gives SQLite the very same behaviour. See docs/adr/0004-indonesian-search.md.

How it works, per word:
1. reduplication: "sayur-sayuran", "buah-buahan", "kue-kue" fold to the first half;
2. if the word is a known root, stop;
3. strip inflectional suffixes (-lah -kah -tah -pun, then -nya -ku -mu), then a derivational one
   (-kan -an -i), then up to two prefixes (di- ke- se- ber- ter- per- meN- peN- with the usual
   sound changes: "menanam" → tanam, "memakai" → pakai, "menyapu" → sapu, "mengirim" → kirim);
   whenever a candidate is a known root, return it;
4. with no root found, keep the stripped form only while it still has two syllables and four
   letters ("kemasan" → "kemas", never "mas").
The same function runs on documents and queries, so a rare over-stem is harmless: both sides agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Roots the rules would otherwise damage (ke-lapa, duri-an, pe-paya...) or prefer between
# sound-change candidates ("pengemasan" → kemas, not emas). Domain words first.
_ROOT_WORDS = """
    kemas emas kelapa kedelai kemiri kencur kenari kecipir kedondong kepiting kerang keripik kerupuk
    durian pepaya pedas petai peria kemangi kelor ketumbar kecap kemenyan keladi kentang ketan kunyit
    lada cengkeh pala vanili kayu manis jahe lengkuas serai bawang cabai cabe merica asam garam gula
    aren kopi teh kakao coklat cokelat madu susu telur ikan udang cumi teri terasi tongkol tuna rajungan
    beras jagung sagu singkong ubi talas tepung pisang mangga alpukat nanas salak rambutan manggis
    jeruk apel anggur nangka sirsak markisa buah sayur bayam kangkung kacang mete mede almon tanah
    minyak atsiri nilam cendana gaharu sereh kayu putih melati mawar kenanga
    kain tenun songket batik anyam rotan bambu pandan purun tikar keranjang tas topi ukir
    tembikar gerabah perak tembaga besi
    kering basah segar manis asin gurih renyah organik asli murni alami halal
    bubuk daun biji kulit akar bunga batang getah serbuk
    panggang goreng rebus kukus asap jemur giling tumbuk sangrai olah
    kirim beli jual pakai tanam ambil ekspor impor kerja kualitas rajin baik
    desa kampung kota pulau gunung laut sungai danau hutan kebun sawah ladang tani petani nelayan
    bumdes usaha toko pasar harga murah mahal besar kecil baru lama
    kelompok kecamatan kabupaten provinsi perempuan
"""
ROOTS = frozenset(_ROOT_WORDS.split())

_STOP_WORDS = "yang dan di ke dari untuk dengan atau ini itu the and of for with a an in from to by"
STOPWORDS = frozenset(_STOP_WORDS.split())

_VOWELS = re.compile(r"[aeiou]+")
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:-[a-z0-9]+)*")
_IS_CJK = re.compile(rf"^[{_CJK}]+$")


def fold(text: str) -> str:
    """Lower-case, NFKC-normalised, Latin accents removed (é → e); CJK kept as is."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_cjk(token: str) -> bool:
    return bool(_IS_CJK.match(token))


def tokens(text: str) -> list[str]:
    """Latin words (hyphenated forms kept whole) and runs of CJK characters."""
    return _TOKEN.findall(fold(text))


_WORD = re.compile(r"[a-z0-9]+")


def vocabulary(text: str) -> set[str]:
    """The words of a text as pg_trgm splits it (runs of letters and digits), for the typo vocabulary:
    3 to 64 characters with at least one letter (a shorter word is never within typo distance)."""
    return {w for w in _WORD.findall(fold(text)) if 3 <= len(w) <= 64 and not w.isdigit()}


def _syllables(word: str) -> int:
    return len(_VOWELS.findall(word))


def _acceptable(word: str) -> bool:
    return word in ROOTS or (len(word) >= 4 and _syllables(word) >= 2)


def _suffix_forms(word: str) -> list[str]:
    """The word with 0, 1, 2 or 3 suffix layers stripped, least stripped first."""
    forms = [word]
    current = word
    for group in (("lah", "kah", "tah", "pun"), ("nya", "ku", "mu"), ("kan", "an", "i")):
        for suffix in group:
            if current.endswith(suffix) and _acceptable(current[: -len(suffix)]):
                # "-i" after "-kan"-like endings is part of the root far more often than a suffix.
                if suffix == "i" and current.endswith(("ai", "ei", "oi", "ui")):
                    continue
                current = current[: -len(suffix)]
                forms.append(current)
                break
    return forms


def _prefix_options(word: str) -> list[str]:
    """Candidate roots after removing one prefix (with its sound changes), best guess first."""
    options: list[str] = []
    for plain in ("di", "ke", "se"):
        if word.startswith(plain):
            options.append(word[2:])
    if word.startswith(("ber", "ter", "per")):
        options.append(word[3:])
    if word.startswith(("be", "te", "pe")) and len(word) > 2 and word[2] == "r":
        options.append(word[2:])  # te-rasa, pe-rasa: the r belongs to the root
    if word.startswith("bel") and word[3:].startswith("ajar"):
        options.append(word[3:])
    for base in ("me", "pe"):
        if not word.startswith(base):
            continue
        rest = word[2:]
        if rest.startswith("ng"):
            tail = rest[2:]
            if tail[:1] in "aeiou":
                options += ["k" + tail, tail]
            else:
                options.append(tail)
        elif rest.startswith("ny"):
            options += ["s" + rest[2:], rest]
        elif rest.startswith("m"):
            tail = rest[1:]
            if tail[:1] in "aeiou":
                options += ["p" + tail, "m" + tail]
            else:
                options.append(tail)
        elif rest.startswith("n"):
            tail = rest[1:]
            if tail[:1] in "aeiou":
                options += ["t" + tail, "n" + tail]
            else:
                options.append(tail)
        else:
            options.append(rest)  # me-lihat, pe-tani, pe-rajin
    return [option for option in options if option]


def _strip_prefixes(word: str, depth: int = 0) -> list[str]:
    """All candidates reachable by removing up to two prefixes, nearest first."""
    if depth == 2:
        return []
    found: list[str] = []
    for option in _prefix_options(word):
        found.append(option)
        found += _strip_prefixes(option, depth + 1)
    return found


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The root of one folded Latin word ("dikemas" → "kemas"); other words come back unchanged."""
    if "-" in word:
        return _reduplicated(word)
    if len(word) <= 3 or not word.isalpha() or word in ROOTS or word in STOPWORDS:
        return word
    suffix_forms = _suffix_forms(word)
    for form in suffix_forms:
        if form in ROOTS:
            return form
        for candidate in _strip_prefixes(form):
            if candidate in ROOTS:
                return candidate
    # No known root: strip what leaves a plausible word, preferring the fully stripped form.
    best = suffix_forms[-1]
    for _round in range(2):
        options = [option for option in _prefix_options(best) if _acceptable(option)]
        if not options:
            break
        best = options[0]
    return best


def _reduplicated(word: str) -> str:
    parts = [part for part in word.split("-") if part]
    if not parts:
        return word
    first = parts[0]
    if len(parts) == 2 and (parts[1].startswith(first) or stem(parts[1]) == stem(first)):
        return stem(first)
    return " ".join(stem(part) for part in parts)


def word_forms(token: str) -> list[str]:
    """The forms a token is indexed and matched under: its stem, and an English singular."""
    if is_cjk(token):
        return [token]
    forms: list[str] = []
    for piece in stem(token).split():
        forms.append(piece)
        if piece.isalpha() and len(piece) >= 4 and piece not in ROOTS:
            if piece.endswith("ies"):
                forms.append(piece[:-3] + "y")
            elif piece.endswith("s") and not piece.endswith("ss"):
                forms.append(piece[:-1])
    return list(dict.fromkeys(forms))


def stemmed_text(text: str) -> str:
    """The stemmed document: every form of every Latin word, space-separated and space-padded."""
    out: list[str] = []
    for token in tokens(text):
        if is_cjk(token):
            continue
        out += word_forms(token)
    return " " + " ".join(dict.fromkeys(out)) + " " if out else ""


@dataclass(frozen=True)
class Term:
    """One query word: as typed (folded), and the forms it matches under."""

    raw: str
    forms: tuple[str, ...]

    @property
    def cjk(self) -> bool:
        return is_cjk(self.raw)


def query_terms(query: str) -> list[Term]:
    """The query as terms. Stop words dropped, duplicates merged, at most eight."""
    terms: list[Term] = []
    for token in tokens(query):
        if token in STOPWORDS:
            continue
        forms = tuple(word_forms(token))
        if forms and all(term.forms != forms for term in terms):
            terms.append(Term(raw=token, forms=forms))
    return terms[:8]

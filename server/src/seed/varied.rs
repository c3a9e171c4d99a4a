//! The text of a varied history (`banter seed --varied`), for the search
//! benchmark: sentences in four scripts whose words follow Zipf's law (a
//! few very common, a long tail of rare ones), a web address now and then.
//! Made from a fixed seed, so every run writes the same history.

/// English words, most common first: the head of the distribution.
const ENGLISH: &[&str] = &[
    "the", "and", "to", "of", "a", "in", "is", "for", "that", "on", "it", "with", "we", "this",
    "be", "are", "at", "have", "will", "not", "release", "notes", "meeting", "deploy", "server",
    "review", "build", "test", "issue", "fix", "search", "channel", "message", "team", "plan",
    "today", "tomorrow", "design", "data", "user", "please", "thanks", "update", "change",
    "version", "docs", "error", "bug", "question", "answer",
];
const JAPANESE: &[&str] = &[
    "東京",
    "会議",
    "資料",
    "確認",
    "明日",
    "予定",
    "開発",
    "検索",
    "機能",
    "問題",
    "解決",
    "報告",
    "今日",
    "作業",
    "担当",
    "連絡",
    "設計",
    "画面",
    "修正",
    "対応",
    "テスト",
    "リリース",
    "サーバー",
    "データ",
    "ユーザー",
    "メッセージ",
    "チャンネル",
    "よろしく",
    "お願い",
    "します",
    "ありがとう",
    "ございます",
    "大丈夫",
    "です",
    "ました",
    "進捗",
    "週末",
    "仕様",
    "変更",
    "共有",
];
const RUSSIAN: &[&str] = &[
    "привет",
    "встреча",
    "завтра",
    "проект",
    "задача",
    "сервер",
    "данные",
    "поиск",
    "отчёт",
    "сегодня",
    "работа",
    "вопрос",
    "ответ",
    "спасибо",
    "пожалуйста",
    "готово",
    "проверка",
    "релиз",
    "ошибка",
    "исправление",
    "команда",
    "документ",
    "время",
    "неделя",
    "план",
    "обсуждение",
    "решение",
    "версия",
    "функция",
    "тест",
];
const ARABIC: &[&str] = &[
    "مرحبا",
    "اجتماع",
    "غدا",
    "مشروع",
    "مهمة",
    "خادم",
    "بيانات",
    "بحث",
    "تقرير",
    "اليوم",
    "عمل",
    "سؤال",
    "جواب",
    "شكرا",
    "جاهز",
    "اختبار",
    "إصدار",
    "خطأ",
    "فريق",
    "خطة",
];
/// Syllables of the made-up words of the long tail.
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "qu", "ri", "do", "fe", "gu", "ha",
    "ji", "ko", "ma", "nu",
];
/// How many distinct Latin words there are, head and tail.
const VOCABULARY: u64 = 50_000;

/// The text of message `n`.
pub fn text(n: u32) -> String {
    let mut random = Random(u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let words = 4 + random.below(11) as usize;
    let mut text = match n % 20 {
        0..=2 => joined(JAPANESE, words, &mut random, ""),
        3..=5 => joined(RUSSIAN, words, &mut random, " "),
        6 => joined(ARABIC, words, &mut random, " "),
        _ => {
            let mut sentence: Vec<String> = (0..words).map(|_| latin(&mut random)).collect();
            if let Some(first) = sentence.first_mut() {
                *first = capitalised(first);
            }
            sentence.join(" ")
        }
    };
    if n.is_multiple_of(25) {
        text.push_str(&format!(" https://example.com/{}/{n}", latin(&mut random)));
    }
    text
}

/// A Latin word by Zipf's law: the word of rank k comes about 1/k as often
/// as the first.
fn latin(random: &mut Random) -> String {
    let rank = ((random.unit() * (VOCABULARY as f64).ln()).exp() as u64).clamp(1, VOCABULARY);
    match ENGLISH.get(rank as usize - 1) {
        Some(word) => (*word).to_owned(),
        None => {
            let mut word = String::new();
            let mut left = rank;
            while left > 0 {
                word.push_str(SYLLABLES[(left % SYLLABLES.len() as u64) as usize]);
                left /= SYLLABLES.len() as u64;
            }
            word
        }
    }
}

/// `count` words of `list`, the first ones more often, joined by `with`.
fn joined(list: &[&str], count: usize, random: &mut Random, with: &str) -> String {
    let words: Vec<&str> = (0..count)
        .map(|_| {
            let rank = (random.unit() * (list.len() as f64).ln()).exp() as usize;
            list[rank.clamp(1, list.len()) - 1]
        })
        .collect();
    words.join(with)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A small deterministic generator (PCG's multiplier, xorshifted).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let x = self.0;
        (x ^ (x >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd) ^ (x >> 29)
    }

    /// In [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histories_are_varied_and_the_same_every_run() {
        assert_eq!(text(7), text(7));
        let texts: Vec<String> = (0..2_000).map(text).collect();
        let distinct: std::collections::HashSet<&String> = texts.iter().collect();
        assert!(distinct.len() > 1_900);
        let with = |word: &str| texts.iter().filter(|t| t.contains(word)).count();
        assert!(with("東京") > 20, "a common Japanese word");
        assert!(with(" the ") > with("release"), "Zipf: common words first");
        assert!(with("https://example.com/") >= 80);
        assert!(texts
            .iter()
            .all(|t| app::model::MessageText::parse(t).is_ok()));
    }
}

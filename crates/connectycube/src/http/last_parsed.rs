//! The last text of a header and what it parsed to. `Date` and `CB-Token-ExpirationDate`
//! change once a second while calls come far more often: most answers repeat the last text.

use parking_lot::Mutex;

#[derive(Debug)]
pub(crate) struct LastParsed<T: Copy>(Mutex<Option<(String, Option<T>)>>);

impl<T: Copy> Default for LastParsed<T> {
    fn default() -> Self {
        Self(Mutex::new(None))
    }
}

impl<T: Copy> LastParsed<T> {
    /// `parse(text)`, from memory when `text` is the text seen last. The flag tells whether
    /// the text was new.
    pub fn get(&self, text: &str, parse: impl FnOnce(&str) -> Option<T>) -> (Option<T>, bool) {
        let mut last = self.0.lock();
        if let Some((seen, parsed)) = last.as_ref()
            && seen == text
        {
            return (*parsed, false);
        }
        let parsed = parse(text);
        match last.as_mut() {
            // Reuse the buffer: no allocation once it is as long as the header.
            Some((seen, value)) => {
                seen.clear();
                seen.push_str(text);
                *value = parsed;
            }
            None => *last = Some((text.to_owned(), parsed)),
        }
        (parsed, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_new_text_once() {
        let memo = LastParsed::<u32>::default();
        let mut parses = 0;
        let mut parse = |text: &str| {
            parses += 1;
            text.parse().ok()
        };
        assert_eq!(memo.get("1", &mut parse), (Some(1), true));
        assert_eq!(memo.get("1", &mut parse), (Some(1), false));
        assert_eq!(memo.get("x", &mut parse), (None, true));
        assert_eq!(memo.get("x", &mut parse), (None, false));
        assert_eq!(memo.get("22", &mut parse), (Some(22), true));
        assert_eq!(parses, 3);
    }
}

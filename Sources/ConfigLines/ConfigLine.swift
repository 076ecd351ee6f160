public import Foundation

/// One line of a `key = value` settings file, read the same way by `kiosk` and `lmis-hub`.
///
/// The rules:
/// - A line that is empty, only blanks (spaces, tabs), or whose first non-blank character is `#`
///   sets nothing.
/// - Otherwise it is `key = value`: the key is what comes before the first `=`, without blanks
///   around it, and must not be empty.
/// - An unquoted value runs to the end of the line or to a `#` that follows a blank, which starts
///   a comment; blanks around the value are dropped. A `#` right after another character is part
///   of the value: `password = ab#cd` gives `ab#cd`, `password = ab #cd` gives `ab`.
/// - A value that starts with `"` is quoted: it runs to the first later `"` that is followed only
///   by blanks, perhaps then a `#` comment. Inside the quotes anything goes (`#`, blanks at either
///   end, `"`): `password = "ab #cd"  # note` gives `ab #cd`. There are no escapes. A quoted
///   value without such a closing `"` is an error; a value that itself starts with `"` is
///   written quoted (`""a"` gives `"a`).
/// - Lines end at `\n` (a `\r\n` ending is accepted too).
public enum ConfigLine {
    /// Why a line is not a setting; the caller names the file and line.
    public struct Failure: Error, Equatable, Sendable {
        public let problem: String
    }

    /// The lines of a file's text, as `setting(in:)` takes them (numbered from 1 by the caller).
    public static func lines(of text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
    }

    /// The setting on a line, nil for a blank or comment line.
    /// - Throws: `Failure` when the line is neither (no `=`, no key, a quote left open).
    public static func setting(in line: some StringProtocol) throws(Failure) -> (key: String, value: String)? {
        let characters = Array(line)
        var start = 0
        while start < characters.count, isBlank(characters[start]) { start += 1 }
        if start == characters.count || characters[start] == "#" { return nil }

        guard let equals = characters[start...].firstIndex(of: "="),
            !characters[start..<equals].enumerated().contains(where: { offset, character in
                character == "#" && isBlank(characters[start + offset - 1])
            })
        else {
            throw Failure(problem: "is not a `key = value` line")
        }
        let key = String(characters[start..<equals]).trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { throw Failure(problem: "has no key before `=`") }

        var valueStart = equals + 1
        while valueStart < characters.count, isBlank(characters[valueStart]) { valueStart += 1 }
        if valueStart < characters.count, characters[valueStart] == "\"" {
            // The first `"` after which the line holds only blanks and perhaps a comment.
            var close = valueStart + 1
            while close < characters.count {
                if characters[close] == "\"", isEnd(characters[(close + 1)...]) {
                    return (key, String(characters[(valueStart + 1)..<close]))
                }
                close += 1
            }
            throw Failure(problem: "has a quoted value without its closing `\"` (only a `#` comment may follow one)")
        }
        var valueEnd = valueStart
        while valueEnd < characters.count, !(characters[valueEnd] == "#" && isBlank(characters[valueEnd - 1])) {
            valueEnd += 1
        }
        return (key, String(characters[valueStart..<valueEnd]).trimmingCharacters(in: .whitespaces))
    }

    /// Whether `rest` is only blanks, perhaps followed by a `#` comment.
    private static func isEnd(_ rest: ArraySlice<Character>) -> Bool {
        rest.first { !isBlank($0) }.map { $0 == "#" } ?? true
    }

    /// A space, a tab or another blank of `CharacterSet.whitespaces` (which trims keys and values).
    private static func isBlank(_ character: Character) -> Bool {
        character.unicodeScalars.allSatisfy { CharacterSet.whitespaces.contains($0) }
    }
}

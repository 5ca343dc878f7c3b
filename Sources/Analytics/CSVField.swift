/// One CSV field as Footfall writes it: quoted when it holds a comma, quote or line break, and
/// never read as a formula by a spreadsheet (a leading `=`, `+`, `-` or `@` gets a `'`).
public enum CSVField {
    public static func quoted(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { ",\"\r\n".contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

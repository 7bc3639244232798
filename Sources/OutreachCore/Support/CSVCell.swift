/// One cell of a CSV file that people open in a spreadsheet.
///
/// A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
/// read by Excel, LibreOffice and Google Sheets as a formula
/// (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`): an exported population value
/// could then run on the officer's machine. Following OWASP's rule, such a
/// cell is written with a leading `'` (the spreadsheet shows the text as it
/// is) and quoted; `guardingFormulas: false` writes values exactly, for
/// programs that read the file.
public enum CSVCell {
    public static func escaped(_ value: String, guardingFormulas: Bool = true) -> String {
        var text = value
        if guardingFormulas, let first = value.utf8.first, formulaStarts.contains(first) {
            text = "'" + value
            return "\"" + text.replacing("\"", with: "\"\"") + "\""
        }
        if text.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            return "\"" + text.replacing("\"", with: "\"\"") + "\""
        }
        return text
    }

    /// `=`, `+`, `-`, `@`, tab, carriage return.
    private static let formulaStarts: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D]
}

/// The GSM 03.38 default alphabet and its extension table (7-bit).
///
/// Only the default (not national language) tables: that is what every
/// gateway and handset supports.
enum GSMAlphabet {
    /// The 127 characters of the default table (0x1B, the escape, excluded).
    static let basic: Set<Unicode.Scalar> = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
         + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)

    /// Characters reached through the escape: two septets each.
    static let extended: Set<Unicode.Scalar> = Set("\u{0C}^{}\\[~]|€".unicodeScalars)

    /// Septets for one scalar: 1, 2, or nil when it is not in GSM-7.
    @inline(__always)
    static func septets(_ s: Unicode.Scalar) -> Int? {
        let v = s.value
        // Fast path for the printable ASCII that maps one to one.
        if (0x20...0x7E).contains(v) {
            switch v {
            case 0x24 /* $ */, 0x40 /* @ */, 0x5F /* _ */: return 1
            case 0x60 /* ` */: return nil
            case 0x5B, 0x5C, 0x5D, 0x5E, 0x7B, 0x7C, 0x7D, 0x7E: return 2
            default: return 1
            }
        }
        if basic.contains(s) { return 1 }
        if extended.contains(s) { return 2 }
        return nil
    }
}

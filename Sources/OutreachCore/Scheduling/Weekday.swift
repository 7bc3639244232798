/// A day of the week, as written in `skip_days` (English or Arabic names).
public enum Weekday: Int, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    // ISO numbering, as `Day.isoWeekday`.
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public init?(name: some StringProtocol) {
        let key = ArabicText.normalize(String(name))
        for day in Weekday.allCases where day.names.contains(where: { ArabicText.normalize($0) == key }) {
            self = day
            return
        }
        return nil
    }

    public init(_ day: Day) { self = Weekday(rawValue: day.isoWeekday)! }

    private var names: [String] {
        switch self {
        case .monday: return ["monday", "mon", "الاثنين", "الإثنين"]
        case .tuesday: return ["tuesday", "tue", "الثلاثاء"]
        case .wednesday: return ["wednesday", "wed", "الأربعاء"]
        case .thursday: return ["thursday", "thu", "الخميس"]
        case .friday: return ["friday", "fri", "الجمعة"]
        case .saturday: return ["saturday", "sat", "السبت"]
        case .sunday: return ["sunday", "sun", "الأحد"]
        }
    }

    public var description: String { names[0] }
}

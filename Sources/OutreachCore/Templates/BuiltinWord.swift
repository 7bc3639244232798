/// Built-in gender-aware words a template can use without the population
/// having them: the word is chosen from the recipient's `gender` field
/// (male / female / missing). A recipient field of the same name wins.
///
/// | Name             | Arabic (male / female / unknown)          | English (any gender)        |
/// |------------------|-------------------------------------------|-----------------------------|
/// | `salutation`     | عزيزي / عزيزتي / عزيزي/عزيزتي              | Dear                        |
/// | `role_parent`    | ولي الأمر / ولية الأمر / ولي/ولية الأمر     | parent                      |
/// | `role_guardian`  | الوصي / الوصية / الوصي/الوصية              | guardian                    |
/// | `role_citizen`   | مواطن / مواطنة / مواطن/مواطنة              | citizen                     |
/// | `role_resident`  | مقيم / مقيمة / مقيم/مقيمة                  | resident                    |
/// | `role_student`   | طالب / طالبة / طالب/طالبة                  | student                     |
/// | `role_employee`  | موظف / موظفة / موظف/موظفة                  | employee                    |
/// | `role_patient`   | مريض / مريضة / مريض/مريضة                  | patient                     |
/// | `role_visitor`   | زائر / زائرة / زائر/زائرة                  | visitor                     |
/// | `role_pilgrim`   | حاج / حاجة / حاج/حاجة                      | pilgrim                     |
/// | `role_child`     | ابن / ابنة / ابن/ابنة                      | son / daughter / child      |
/// | `role_mother`    | الأم (always)                             | mother                      |
/// | `role_father`    | الأب (always)                             | father                      |
///
/// Every role has two more forms. `role_X_def` is the definite word, the
/// form that follows a salutation in Arabic (`المقيم` / `المقيمة` /
/// `المقيم/المقيمة`). `salutation_X` is the whole address, salutation and
/// definite role agreeing with each other: «عزيزي المقيم», «عزيزتي المقيمة»,
/// and for an unknown gender both in full, «عزيزي المقيم/عزيزتي المقيمة»
/// (a slash inside each word would read «عزيزي/عزيزتي المقيم/المقيمة»).
/// `salutation_mother` is always «عزيزتي الأم», `salutation_father`
/// «عزيزي الأب». English has no definite form: `_def` is the plain word and
/// `salutation_X` is "Dear resident".
///
/// Arabic words are used for Arabic variants, English ones for every other
/// language. Missing gender gives the combined Arabic form ("عزيزي/عزيزتي").
public struct BuiltinWord: Sendable, Hashable {
    /// The word itself: the salutation or a role.
    public enum Term: String, Sendable, CaseIterable {
        case salutation
        case parent, guardian, citizen, resident, student, employee, patient, visitor, pilgrim, child, mother, father
    }

    /// How a role is written: as is, definite, or as a whole address.
    public enum Form: Sendable, Hashable, CaseIterable {
        /// `role_resident`: مقيم.
        case plain
        /// `role_resident_def`: المقيم.
        case definite
        /// `salutation_resident`: عزيزي المقيم.
        case address
    }

    public var term: Term
    public var form: Form

    public init(_ term: Term, _ form: Form = .plain) {
        self.term = term
        self.form = form
    }

    /// Reads a template argument name (`salutation`, `role_resident`,
    /// `role_resident_def`, `salutation_resident`).
    public init?(rawValue: String) {
        if rawValue == "salutation" {
            self.init(.salutation)
            return
        }
        var name = Substring(rawValue)
        let form: Form
        if name.hasPrefix("salutation_") {
            name = name.dropFirst("salutation_".count)
            form = .address
        } else if name.hasPrefix("role_") {
            name = name.dropFirst("role_".count)
            if name.hasSuffix("_def") {
                name = name.dropLast("_def".count)
                form = .definite
            } else {
                form = .plain
            }
        } else {
            return nil
        }
        guard let term = Term(rawValue: String(name)), term != .salutation else { return nil }
        self.init(term, form)
    }

    /// The name a template writes.
    public var rawValue: String {
        switch (term, form) {
        case (.salutation, _): return "salutation"
        case (_, .plain): return "role_\(term.rawValue)"
        case (_, .definite): return "role_\(term.rawValue)_def"
        case (_, .address): return "salutation_\(term.rawValue)"
        }
    }

    /// Every built-in word, for documentation and "did you mean".
    public static var allCases: [BuiltinWord] {
        [BuiltinWord(.salutation)] + Term.allCases.dropFirst().flatMap { term in Form.allCases.map { BuiltinWord(term, $0) } }
    }

    /// The word for a recipient of `gender` (nil when unknown) in `language`.
    public func word(language: String, gender: Gender?) -> String {
        let arabic = language == "ar"
        switch form {
        case .plain:
            return Self.pick(arabic ? Self.arabic(term) : Self.english(term), gender)
        case .definite:
            return Self.pick(arabic ? Self.arabicDefinite(term) : Self.english(term), gender)
        case .address:
            guard arabic else { return "Dear " + Self.pick(Self.english(term), gender) }
            // Mother and father fix the gender of the address themselves.
            if term == .mother { return "عزيزتي الأم" }
            if term == .father { return "عزيزي الأب" }
            let salutation = Self.arabic(.salutation), role = Self.arabicDefinite(term)
            let male = salutation.male + " " + role.male
            let female = salutation.female + " " + role.female
            switch gender {
            case .male: return male
            case .female: return female
            case nil: return male + "/" + female
            }
        }
    }

    private typealias Forms = (male: String, female: String, unknown: String)

    private static func pick(_ forms: Forms, _ gender: Gender?) -> String {
        switch gender {
        case .male: return forms.male
        case .female: return forms.female
        case nil: return forms.unknown
        }
    }

    private static func arabic(_ term: Term) -> Forms {
        switch term {
        case .salutation: return ("عزيزي", "عزيزتي", "عزيزي/عزيزتي")
        case .parent: return ("ولي الأمر", "ولية الأمر", "ولي/ولية الأمر")
        case .guardian: return ("الوصي", "الوصية", "الوصي/الوصية")
        case .citizen: return ("مواطن", "مواطنة", "مواطن/مواطنة")
        case .resident: return ("مقيم", "مقيمة", "مقيم/مقيمة")
        case .student: return ("طالب", "طالبة", "طالب/طالبة")
        case .employee: return ("موظف", "موظفة", "موظف/موظفة")
        case .patient: return ("مريض", "مريضة", "مريض/مريضة")
        case .visitor: return ("زائر", "زائرة", "زائر/زائرة")
        case .pilgrim: return ("حاج", "حاجة", "حاج/حاجة")
        case .child: return ("ابن", "ابنة", "ابن/ابنة")
        case .mother: return ("الأم", "الأم", "الأم")
        case .father: return ("الأب", "الأب", "الأب")
        }
    }

    /// With the article: ولي الأمر and الوصي already are definite.
    private static func arabicDefinite(_ term: Term) -> Forms {
        switch term {
        case .citizen: return ("المواطن", "المواطنة", "المواطن/المواطنة")
        case .resident: return ("المقيم", "المقيمة", "المقيم/المقيمة")
        case .student: return ("الطالب", "الطالبة", "الطالب/الطالبة")
        case .employee: return ("الموظف", "الموظفة", "الموظف/الموظفة")
        case .patient: return ("المريض", "المريضة", "المريض/المريضة")
        case .visitor: return ("الزائر", "الزائرة", "الزائر/الزائرة")
        case .pilgrim: return ("الحاج", "الحاجة", "الحاج/الحاجة")
        case .child: return ("الابن", "الابنة", "الابن/الابنة")
        case .salutation, .parent, .guardian, .mother, .father: return arabic(term)
        }
    }

    private static func english(_ term: Term) -> Forms {
        switch term {
        case .salutation: return ("Dear", "Dear", "Dear")
        case .child: return ("son", "daughter", "child")
        default: return (term.rawValue, term.rawValue, term.rawValue)
        }
    }
}

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
/// Arabic words are used for Arabic variants, English ones for every other
/// language. Missing gender gives the combined Arabic form ("عزيزي/عزيزتي").
public enum BuiltinWord: String, Sendable, CaseIterable {
    case salutation
    case roleParent = "role_parent"
    case roleGuardian = "role_guardian"
    case roleCitizen = "role_citizen"
    case roleResident = "role_resident"
    case roleStudent = "role_student"
    case roleEmployee = "role_employee"
    case rolePatient = "role_patient"
    case roleVisitor = "role_visitor"
    case rolePilgrim = "role_pilgrim"
    case roleChild = "role_child"
    case roleMother = "role_mother"
    case roleFather = "role_father"

    /// The word for a recipient of `gender` (nil when unknown) in `language`.
    public func word(language: String, gender: Gender?) -> String {
        let forms = language == "ar" ? arabic : english
        switch gender {
        case .male: return forms.male
        case .female: return forms.female
        case nil: return forms.unknown
        }
    }

    private var arabic: (male: String, female: String, unknown: String) {
        switch self {
        case .salutation: return ("عزيزي", "عزيزتي", "عزيزي/عزيزتي")
        case .roleParent: return ("ولي الأمر", "ولية الأمر", "ولي/ولية الأمر")
        case .roleGuardian: return ("الوصي", "الوصية", "الوصي/الوصية")
        case .roleCitizen: return ("مواطن", "مواطنة", "مواطن/مواطنة")
        case .roleResident: return ("مقيم", "مقيمة", "مقيم/مقيمة")
        case .roleStudent: return ("طالب", "طالبة", "طالب/طالبة")
        case .roleEmployee: return ("موظف", "موظفة", "موظف/موظفة")
        case .rolePatient: return ("مريض", "مريضة", "مريض/مريضة")
        case .roleVisitor: return ("زائر", "زائرة", "زائر/زائرة")
        case .rolePilgrim: return ("حاج", "حاجة", "حاج/حاجة")
        case .roleChild: return ("ابن", "ابنة", "ابن/ابنة")
        case .roleMother: return ("الأم", "الأم", "الأم")
        case .roleFather: return ("الأب", "الأب", "الأب")
        }
    }

    private var english: (male: String, female: String, unknown: String) {
        switch self {
        case .salutation: return ("Dear", "Dear", "Dear")
        case .roleParent: return ("parent", "parent", "parent")
        case .roleGuardian: return ("guardian", "guardian", "guardian")
        case .roleCitizen: return ("citizen", "citizen", "citizen")
        case .roleResident: return ("resident", "resident", "resident")
        case .roleStudent: return ("student", "student", "student")
        case .roleEmployee: return ("employee", "employee", "employee")
        case .rolePatient: return ("patient", "patient", "patient")
        case .roleVisitor: return ("visitor", "visitor", "visitor")
        case .rolePilgrim: return ("pilgrim", "pilgrim", "pilgrim")
        case .roleChild: return ("son", "daughter", "child")
        case .roleMother: return ("mother", "mother", "mother")
        case .roleFather: return ("father", "father", "father")
        }
    }
}

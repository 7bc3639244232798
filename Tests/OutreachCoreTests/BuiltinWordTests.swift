import Testing
@testable import OutreachCore

/// The gender-aware built-in words, their definite forms and whole addresses.
@Suite struct BuiltinWordTests {
    static func render(_ text: String, gender: Value?, locale: String = "ar-SA") throws -> String? {
        try renderedText(text, locale: locale, gender.map { ["gender": $0] } ?? [:])
    }

    @Test(arguments: [
        // text, male, female, unknown
        ("{salutation} {role_resident_def}", "عزيزي المقيم", "عزيزتي المقيمة", "عزيزي/عزيزتي المقيم/المقيمة"),
        ("{salutation_resident}", "عزيزي المقيم", "عزيزتي المقيمة", "عزيزي المقيم/عزيزتي المقيمة"),
        ("{salutation_mother}", "عزيزتي الأم", "عزيزتي الأم", "عزيزتي الأم"),
        ("{salutation_father}", "عزيزي الأب", "عزيزي الأب", "عزيزي الأب"),
        ("{salutation} {role_mother_def}", "عزيزي الأم", "عزيزتي الأم", "عزيزي/عزيزتي الأم"),
        ("{salutation_parent}", "عزيزي ولي الأمر", "عزيزتي ولية الأمر", "عزيزي ولي الأمر/عزيزتي ولية الأمر"),
        ("{role_citizen_def}", "المواطن", "المواطنة", "المواطن/المواطنة"),
        ("{role_student_def}", "الطالب", "الطالبة", "الطالب/الطالبة"),
        ("{role_employee_def}", "الموظف", "الموظفة", "الموظف/الموظفة"),
        ("{role_patient_def}", "المريض", "المريضة", "المريض/المريضة"),
        ("{role_visitor_def}", "الزائر", "الزائرة", "الزائر/الزائرة"),
        ("{role_pilgrim_def}", "الحاج", "الحاجة", "الحاج/الحاجة"),
        ("{role_child_def}", "الابن", "الابنة", "الابن/الابنة"),
        ("{role_guardian_def}", "الوصي", "الوصية", "الوصي/الوصية"),
        ("{role_parent_def}", "ولي الأمر", "ولية الأمر", "ولي/ولية الأمر"),
        ("{role_father_def}", "الأب", "الأب", "الأب"),
        // the plain words are unchanged
        ("{salutation} {role_resident}", "عزيزي مقيم", "عزيزتي مقيمة", "عزيزي/عزيزتي مقيم/مقيمة"),
    ])
    func arabicFormsForEachGender(_ text: String, _ male: String, _ female: String, _ unknown: String) throws {
        #expect(try Self.render(text, gender: .gender(.male)) == male)
        #expect(try Self.render(text, gender: .gender(.female)) == female)
        #expect(try Self.render(text, gender: .text("أنثى")) == female)
        #expect(try Self.render(text, gender: nil) == unknown)
        #expect(try Self.render(text, gender: .text("غير محدد")) == unknown)
    }

    @Test func englishHasNoDefiniteForm() throws {
        #expect(try Self.render("{salutation_resident}", gender: .gender(.female), locale: "en") == "Dear resident")
        #expect(try Self.render("{role_resident_def}", gender: nil, locale: "en") == "resident")
        #expect(try Self.render("{salutation_child}", gender: .gender(.female), locale: "en") == "Dear daughter")
    }

    @Test func everyRoleHasEveryForm() {
        for term in BuiltinWord.Term.allCases where term != .salutation {
            for form in BuiltinWord.Form.allCases {
                let word = BuiltinWord(term, form)
                #expect(BuiltinWord(rawValue: word.rawValue) == word)
                for gender in [Gender.male, .female, nil] {
                    #expect(!word.word(language: "ar", gender: gender).isEmpty)
                }
            }
            // The definite Arabic form has the article (ولي الأمر is definite by its second word).
            let definite = BuiltinWord(term, .definite).word(language: "ar", gender: .male)
            #expect(definite.hasPrefix("ال") || definite.hasSuffix("الأمر"), "\(term): \(definite)")
        }
        #expect(BuiltinWord(rawValue: "salutation_salutation") == nil)
        #expect(BuiltinWord(rawValue: "role_salutation") == nil)
        #expect(BuiltinWord(rawValue: "role_unknown_def") == nil)
        #expect(BuiltinWord.allCases.count == 1 + 12 * 3)
    }

    @Test func aPopulationFieldOfTheSameNameWins() throws {
        #expect(try renderedText("{role_resident_def}", locale: "ar", ["role_resident_def": .text("الضيف")]) == "الضيف")
    }

    @Test func builtInWordsReadOnlyGender() throws {
        let template = try CompiledTemplate(text: SourceText("{salutation_resident} {first_name}"), locale: "ar-SA")
        #expect(template.recipientFields == ["gender", "first_name"])
    }
}

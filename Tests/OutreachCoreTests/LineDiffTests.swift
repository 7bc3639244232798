import Testing
import OutreachCore

/// `outreach diff` prints what `diff -u` would: the smallest set of removed and added lines, in hunks with
/// three lines of context and `diff -u`'s line numbers.
@Suite("Line diff")
struct LineDiffTests {
    @Test("equal texts have no changes and no hunks; a missing final line end is no change")
    func equal() {
        let diff = LineDiff(old: "a\nb\nc\n", new: "a\nb\nc")
        #expect(!diff.hasChanges)
        #expect(diff.unified().isEmpty)
        #expect(!LineDiff(old: "a\r\nb\r\n", new: "a\nb\n").hasChanges)
    }

    @Test("one changed line in the middle: one hunk with three lines of context either side")
    func oneLine() {
        let old = (1...10).map { "line \($0)" }
        var new = old
        new[4] = "line five"
        let diff = LineDiff(old: old, new: new)
        #expect(diff.added == 1 && diff.removed == 1)
        #expect(diff.unified() == ["@@ -2,7 +2,7 @@", " line 2", " line 3", " line 4", "-line 5", "+line five", " line 6", " line 7", " line 8"])
    }

    @Test("changes far apart make separate hunks; near ones share one")
    func hunks() {
        let old = (1...20).map { "l\($0)" }
        var far = old
        far[1] = "x"; far[18] = "y"
        #expect(LineDiff(old: old, new: far).unified().filter { $0.hasPrefix("@@") } == ["@@ -1,5 +1,5 @@", "@@ -16,5 +16,5 @@"])
        var near = old
        near[5] = "x"; near[10] = "y"
        #expect(LineDiff(old: old, new: near).unified().filter { $0.hasPrefix("@@") } == ["@@ -3,12 +3,12 @@"])
    }

    @Test("insertions and deletions keep the common lines (the longest common subsequence)")
    func lcs() {
        let diff = LineDiff(old: ["a", "b", "c", "d"], new: ["a", "x", "c", "d", "e"])
        #expect(diff.lines == [.same("a"), .removed("b"), .added("x"), .same("c"), .same("d"), .added("e")])
        let moved = LineDiff(old: ["1", "2", "3", "4"], new: ["2", "3", "4", "1"])
        #expect(moved.added == 1 && moved.removed == 1)
    }

    @Test("from or to nothing: every line added or removed, numbered as diff -u numbers an empty side")
    func empty() {
        #expect(LineDiff(old: "", new: "a\nb\n").unified() == ["@@ -0,0 +1,2 @@", "+a", "+b"])
        #expect(LineDiff(old: "a\n", new: "").unified() == ["@@ -1 +0,0 @@", "-a"])
    }

    @Test("a one-line range is written without its count, as diff -u writes it")
    func oneLineRange() {
        #expect(LineDiff(old: "a\n", new: "b\n").unified() == ["@@ -1 +1 @@", "-a", "+b"])
    }

    @Test("Arabic lines compare as text")
    func arabic() {
        let diff = LineDiff(old: "text: مرحبا\nsender: MOH\n", new: "text: أهلا\nsender: MOH\n")
        #expect(diff.unified() == ["@@ -1,2 +1,2 @@", "-text: مرحبا", "+text: أهلا", " sender: MOH"])
    }
}

import OutreachFuzzTargets

/// libFuzzer calls this once per input; see `FuzzTarget.projectYAML`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.projectYAML.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

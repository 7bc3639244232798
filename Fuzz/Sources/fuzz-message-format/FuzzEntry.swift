import OutreachFuzzTargets

/// libFuzzer calls this once per input; see `FuzzTarget.messageFormat`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.messageFormat.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

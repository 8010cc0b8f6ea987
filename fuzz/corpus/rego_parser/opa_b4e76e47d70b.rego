package generated

p := [__local0__, __local1__, __local2__] if {
	__local3__ = 1517814000 * 1000
	__local4__ = __local3__ * 1000
	__local5__ = __local4__ * 1000
	time.date(__local5__, __local6__)
	[__local0__, __local1__, __local2__] = __local6__
}

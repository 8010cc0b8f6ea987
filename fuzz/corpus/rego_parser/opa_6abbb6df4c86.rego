package generated

p := __local0__ if {
	__local1__ = 1582977600 * 1000
	__local2__ = __local1__ * 1000
	__local3__ = __local2__ * 1000
	__local4__ = __local3__ * 1000
	time.weekday(__local4__, __local5__)
	__local0__ = __local5__
}

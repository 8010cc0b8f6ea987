package test

time_ns := 1670006453141828752

a := time.format(time_ns)

b := time.format([time_ns, "Asia/Kolkata"])

c := time.format([time_ns, "Asia/Kolkata", "Mon Jan 02 15:04:05 -0700 2006"])

d := time.format([time_ns, "Asia/Kolkata", "RFC1123Z"])

package analyze

import (
	"strconv"
	"time"
)

// Timestamps says which times a printer adds to each event, as strace's
// -t, -tt and -r do. Event times are the kernel's monotonic clock; Offset
// turns them into wall-clock time.
type Timestamps struct {
	// Clock is 1 for the time of day (15:04:05), 2 for the time of day
	// with microseconds (15:04:05.000000); 0 for none. In JSON it adds
	// "time", the wall-clock time in RFC 3339 with microseconds.
	Clock int
	// Relative adds the time since the previous event printed, in
	// seconds ("0.000123 "; JSON "relative_us").
	Relative bool
	// Offset is the wall-clock time minus the monotonic clock, so that
	// an event's wall-clock time is Offset + its Time.
	Offset time.Duration
	// Location is the time zone of the time of day (nil: local time).
	Location *time.Location
}

// wall returns the wall-clock time of a monotonic event time.
func (t *Timestamps) wall(mono time.Duration) time.Time {
	w := time.Unix(0, int64(t.Offset+mono))
	if t.Location != nil {
		return w.In(t.Location)
	}
	return w.Local()
}

// appendTextTime appends the text format's time prefix; prev is the time
// of the previous event printed (0 for none).
func (t *Timestamps) appendTextTime(dst []byte, mono, prev time.Duration) []byte {
	switch t.Clock {
	case 1:
		dst = t.wall(mono).AppendFormat(dst, "15:04:05 ")
	case 2:
		dst = t.wall(mono).AppendFormat(dst, "15:04:05.000000 ")
	}
	if t.Relative {
		d := time.Duration(0)
		if prev != 0 && mono > prev {
			d = mono - prev
		}
		dst = strconv.AppendFloat(dst, d.Seconds(), 'f', 6, 64)
		dst = append(dst, ' ')
	}
	return dst
}

// appendJSONTime appends the JSON members of the times asked for.
func (t *Timestamps) appendJSONTime(dst []byte, mono, prev time.Duration) []byte {
	if t.Clock > 0 {
		dst = append(dst, `,"time":"`...)
		dst = t.wall(mono).AppendFormat(dst, "2006-01-02T15:04:05.000000Z07:00")
		dst = append(dst, '"')
	}
	if t.Relative {
		d := time.Duration(0)
		if prev != 0 && mono > prev {
			d = mono - prev
		}
		dst = appendInt(dst, `,"relative_us":`, d.Microseconds())
	}
	return dst
}

// any reports whether any time is asked for.
func (t *Timestamps) any() bool { return t.Clock > 0 || t.Relative }

package lunar

import "math"

// The astronomy below is the algorithm Hồ Ngọc Đức published for the
// Vietnamese calendar ("Âm lịch Việt Nam", 2004, after Jean Meeus,
// "Astronomical Algorithms", 1998): the instant of the k-th new moon since
// 1 January 1900 (Meeus ch. 49, abridged) and the apparent longitude of the
// sun (Meeus ch. 25, low accuracy), both in Julian days. Written here from
// the published formulas; the only input that makes the calendar
// Vietnamese rather than Chinese is the time zone, UTC+7.

// synodicMonth is the mean length of a lunation in days.
const synodicMonth = 29.530588853

// newMoonEpoch is the Julian day of the new moon of 1 January 1900 (k = 0).
const newMoonEpoch = 2415021.076998695

// newMoon returns the Julian day (UT, fractional) of the k-th new moon
// after newMoonEpoch.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries since 1900-01-01 12:00
	t2 := t * t
	t3 := t2 * t
	const dr = math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3    // sun's mean anomaly
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3 // moon's mean anomaly
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3    // moon's argument of latitude
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 -= 0.0004 * math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltaT float64 // ΔT, terrestrial minus universal time, in days
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltaT
}

// sunLongitude returns the sun's apparent longitude in radians, in
// [0, 2π), at Julian day jd (UT, fractional).
func sunLongitude(jd float64) float64 {
	t := (jd - 2451545.0) / 36525 // Julian centuries since J2000.0
	t2 := t * t
	const dr = math.Pi / 180
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2 // mean anomaly
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                  // mean longitude
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	return l - 2*math.Pi*math.Floor(l/(2*math.Pi))
}

// zone is the calendar's time zone in hours east of UTC: 7 for Vietnam
// (the Chinese calendar is the same computation at 8).
type zone float64

// newMoonDay is the Julian day number of the local day holding the k-th
// new moon.
func (z zone) newMoonDay(k int) int {
	return int(math.Floor(newMoon(k) + 0.5 + float64(z)/24))
}

// solarTerm returns which 30° sector of longitude (0 from the March
// equinox, 9 from the winter solstice) the sun is in at the start of local
// day jdn: a month in which it does not change holds no major solar term.
func (z zone) solarTerm(jdn int) int {
	return int(math.Floor(sunLongitude(float64(jdn)-0.5-float64(z)/24) / math.Pi * 6))
}

// month11 returns the Julian day number of the first day of the 11th lunar
// month (the one holding the winter solstice) that begins in solar year y.
func (z zone) month11(y int) int {
	off := julianDay(y, 12, 31) - 2415021
	k := int(math.Floor(float64(off) / synodicMonth))
	nm := z.newMoonDay(k)
	if z.solarTerm(nm) >= 9 { // the sun is past 270°: the solstice is already behind
		nm = z.newMoonDay(k - 1)
	}
	return nm
}

// leapMonthOffset returns, for a lunar year whose 11th month starts on
// Julian day a11 and which has 13 months, the index (counting months after
// a11, starting at 1) of the first month with no major solar term: the
// leap month.
func (z zone) leapMonthOffset(a11 int) int {
	k := int(math.Floor((float64(a11)-newMoonEpoch)/synodicMonth + 0.5))
	i := 1
	arc := z.solarTerm(z.newMoonDay(k + i))
	for {
		last := arc
		i++
		arc = z.solarTerm(z.newMoonDay(k + i))
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}

// julianDay is the Julian day number of y-m-d: Gregorian from 15 October
// 1582, Julian before.
func julianDay(y, m, d int) int {
	a := (14 - m) / 12
	yy := y + 4800 - a
	mm := m + 12*a - 3
	jd := d + (153*mm+2)/5 + 365*yy + yy/4 - yy/100 + yy/400 - 32045
	if jd < 2299161 {
		jd = d + (153*mm+2)/5 + 365*yy + yy/4 - 32083
	}
	return jd
}

// fromJulianDay is the inverse of julianDay.
func fromJulianDay(jd int) (y, m, d int) {
	var b, c int
	if jd > 2299160 {
		a := jd + 32044
		b = (4*a + 3) / 146097
		c = a - (b*146097)/4
	} else {
		c = jd + 32082
	}
	dd := (4*c + 3) / 1461
	e := c - (1461*dd)/4
	mm := (5*e + 2) / 153
	d = e - (153*mm+2)/5 + 1
	m = mm + 3 - 12*(mm/10)
	y = b*100 + dd - 4800 + mm/10
	return y, m, d
}

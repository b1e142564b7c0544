//! Just enough X.509 to read what rustls's parser will not give us: the
//! validity dates and extended key usage of a certificate the user trusts
//! as itself (a self-signed `CA:TRUE` server certificate, which webpki
//! refuses as an end entity), and the public key of a client certificate
//! of any version (webpki refuses X.509 v1, which `openssl x509 -req`
//! makes by default), to check that it matches its private key.
//!
//! It walks DER tag-length-value triples and nothing more: of the
//! extensions only extended key usage is read; no name or signature is
//! interpreted here.

use crate::timefmt::days_from_civil;

/// One DER element: its tag, its contents, and the whole encoding.
struct Tlv<'a> {
    tag: u8,
    contents: &'a [u8],
    whole: &'a [u8],
}

/// Reads the element at the start of `input`; returns it and the rest.
fn tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)?;
    let (len, header) = if first < 0x80 {
        (usize::from(first), 2)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for b in input.get(2..2 + n)? {
            len = (len << 8) | usize::from(*b);
        }
        (len, 2 + n)
    };
    let end = header.checked_add(len)?;
    let whole = input.get(..end)?;
    Some((
        Tlv {
            tag,
            contents: &whole[header..],
            whole,
        },
        &input[end..],
    ))
}

/// The fields of a certificate that this module reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertFields {
    /// Not valid before this time (seconds since the Unix epoch).
    pub not_before: i64,
    /// Not valid after this time.
    pub not_after: i64,
    /// The subjectPublicKey bits of the SubjectPublicKeyInfo.
    pub public_key: Vec<u8>,
}

/// Reads validity and public key from a DER certificate, X.509 v1 or v3.
pub(crate) fn parse(der: &[u8]) -> Option<CertFields> {
    let (cert, _) = tlv(der)?;
    let (tbs, _) = tlv(cert.contents)?;
    let mut rest = tbs.contents;
    let mut next = || {
        let (t, r) = tlv(rest)?;
        rest = r;
        Some(t)
    };
    let mut field = next()?;
    if field.tag == 0xa0 {
        // [0] EXPLICIT version: absent in v1.
        field = next()?;
    }
    // serialNumber, then signature, issuer.
    let _signature = next()?;
    let _issuer = next()?;
    let validity = next()?;
    let _subject = next()?;
    let spki = next()?;
    if field.tag != 0x02 || validity.tag != 0x30 || spki.tag != 0x30 {
        return None;
    }
    let (nb, r) = tlv(validity.contents)?;
    let (na, _) = tlv(r)?;
    Some(CertFields {
        not_before: time(&nb)?,
        not_after: time(&na)?,
        public_key: public_key_bits(spki.whole)?,
    })
}

/// The extension ID of extended key usage (2.5.29.37), DER contents.
const EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
/// id-kp-serverAuth (1.3.6.1.5.5.7.3.1).
const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
/// anyExtendedKeyUsage (2.5.29.37.0).
const ANY_USAGE: &[u8] = &[0x55, 0x1d, 0x25, 0x00];

/// Whether a DER certificate may serve TLS as Go's crypto/x509 decides
/// it: no extended key usage extension (any use), or one that lists
/// serverAuth or anyExtendedKeyUsage. `None` when it cannot be read.
pub(crate) fn allows_server_auth(der: &[u8]) -> Option<bool> {
    let (cert, _) = tlv(der)?;
    let (tbs, _) = tlv(cert.contents)?;
    let mut rest = tbs.contents;
    // Past version, serial, signature, issuer, validity, subject and key
    // come the optional unique IDs ([1], [2]) and the extensions ([3]).
    let mut extensions = None;
    while !rest.is_empty() {
        let (field, r) = tlv(rest)?;
        rest = r;
        if field.tag == 0xa3 {
            extensions = Some(field.contents);
        }
    }
    let Some(extensions) = extensions else {
        return Some(true);
    };
    let (list, _) = tlv(extensions)?;
    let mut rest = list.contents;
    while !rest.is_empty() {
        let (ext, r) = tlv(rest)?;
        rest = r;
        let (id, mut inner) = tlv(ext.contents)?;
        if id.tag != 0x06 || id.contents != EXT_KEY_USAGE {
            continue;
        }
        let (mut value, after) = tlv(inner)?;
        if value.tag == 0x01 {
            // The critical flag comes before the value.
            inner = after;
            value = tlv(inner)?.0;
        }
        let (usages, _) = tlv(value.contents)?;
        let mut each = usages.contents;
        while !each.is_empty() {
            let (usage, r) = tlv(each)?;
            each = r;
            if usage.contents == SERVER_AUTH || usage.contents == ANY_USAGE {
                return Some(true);
            }
        }
        return Some(false);
    }
    Some(true)
}

/// The subjectPublicKey bits of a DER SubjectPublicKeyInfo.
pub(crate) fn public_key_bits(spki: &[u8]) -> Option<Vec<u8>> {
    let (seq, _) = tlv(spki)?;
    let (_algorithm, rest) = tlv(seq.contents)?;
    let (bits, _) = tlv(rest)?;
    (seq.tag == 0x30 && bits.tag == 0x03).then(|| bits.contents.to_vec())
}

/// A UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`) as
/// seconds since the epoch.
fn time(t: &Tlv<'_>) -> Option<i64> {
    let s = std::str::from_utf8(t.contents).ok()?;
    let digits = s.strip_suffix('Z')?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match (t.tag, digits.len()) {
        (0x17, 12) => {
            let yy: i64 = digits[..2].parse().ok()?;
            // RFC 5280: two-digit years 50-99 are 19xx.
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, &digits[2..])
        }
        (0x18, 14) => (digits[..4].parse().ok()?, &digits[4..]),
        _ => return None,
    };
    let n = |i: usize| rest[i..i + 2].parse::<u32>().ok();
    let (month, day, h, m, sec) = (n(0)?, n(2)?, n(4)?, n(6)?, n(8)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    Some(
        days_from_civil(year, month, day) * 86_400
            + i64::from(h) * 3600
            + i64::from(m) * 60
            + i64::from(sec),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn der(tag: u8, contents: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        if contents.len() < 0x80 {
            out.push(contents.len() as u8);
        } else {
            out.extend([0x82, (contents.len() >> 8) as u8, contents.len() as u8]);
        }
        out.extend_from_slice(contents);
        out
    }

    /// A certificate shape with the given version field and times.
    fn cert(v3: bool, not_before: &[u8], not_after: &[u8]) -> Vec<u8> {
        let mut tbs = Vec::new();
        if v3 {
            tbs.extend(der(0xa0, &der(0x02, &[2])));
        }
        tbs.extend(der(0x02, &[1]));
        tbs.extend(der(0x30, &der(0x06, &[1, 2, 3])));
        tbs.extend(der(0x30, &[]));
        let mut validity = not_before.to_vec();
        validity.extend_from_slice(not_after);
        tbs.extend(der(0x30, &validity));
        tbs.extend(der(0x30, &[]));
        let mut spki = der(0x30, &der(0x06, &[9]));
        spki.extend(der(0x03, &[0, 0xaa, 0xbb]));
        tbs.extend(der(0x30, &spki));
        let mut c = der(0x30, &tbs);
        c.extend(der(0x30, &der(0x06, &[1])));
        c.extend(der(0x03, &[0]));
        der(0x30, &c)
    }

    #[test]
    fn reads_v1_and_v3_certificates() {
        let nb = der(0x17, b"250605043139Z");
        let na = der(0x18, b"20991231235959Z");
        for v3 in [true, false] {
            let f = parse(&cert(v3, &nb, &na)).unwrap();
            assert_eq!(f.not_before, 1_749_097_899);
            assert_eq!(f.not_after, 4_102_444_799);
            assert_eq!(f.public_key, [0, 0xaa, 0xbb]);
        }
        // 1950-1999 for two-digit years from 50.
        let old = der(0x17, b"700101000000Z");
        assert_eq!(parse(&cert(true, &old, &na)).unwrap().not_before, 0);
    }

    /// The seconds of one UTCTime (0x17) or GeneralizedTime (0x18).
    fn at(tag: u8, text: &str) -> Option<i64> {
        let encoded = der(tag, text.as_bytes());
        time(&tlv(&encoded).unwrap().0)
    }

    #[test]
    fn times_are_read_to_the_second_and_checked_field_by_field() {
        assert_eq!(at(0x18, "20000229123456Z"), Some(951_827_696));
        assert_eq!(at(0x17, "000229123456Z"), Some(951_827_696));
        // Two-digit years: 49 is 2049, 50 is 1950 (RFC 5280).
        assert_eq!(at(0x17, "491231235960Z"), Some(2_524_608_000));
        assert_eq!(at(0x17, "500101000000Z"), Some(-631_152_000));
        // The largest value of each field is taken, one more is not.
        for (good, bad) in [
            ("20991231000000Z", "20991331000000Z"),
            ("20991231000000Z", "20991232000000Z"),
            ("20990101235959Z", "20990101240000Z"),
            ("20990101005900Z", "20990101006000Z"),
            ("20990101000060Z", "20990101000061Z"),
            ("20990101000000Z", "20990001000000Z"),
            ("20990101000000Z", "20990100000000Z"),
        ] {
            assert!(at(0x18, good).is_some(), "{good}");
            assert_eq!(at(0x18, bad), None, "{bad}");
        }
        // The form must match the tag; digits only; `Z` only.
        assert_eq!(at(0x17, "20990101000000Z"), None);
        assert_eq!(at(0x18, "990101000000Z"), None);
        assert_eq!(at(0x18, "2099010100000+Z"), None);
        assert_eq!(at(0x18, "20990101000000"), None);
        assert_eq!(at(0x04, "990101000000Z"), None);
    }

    #[test]
    fn lengths_in_long_form_are_read_and_bounded() {
        let body = vec![7u8; 300];
        let mut long = vec![0x04, 0x82, 0x01, 0x2c];
        long.extend(&body);
        long.push(0xee);
        let (t, rest) = tlv(&long).unwrap();
        assert_eq!(
            (t.tag, t.contents.len(), t.whole.len(), rest),
            (4, 300, 304, &[0xee][..])
        );
        // One length byte in long form.
        let (t, _) = tlv(&[0x04, 0x81, 0x01, 9]).unwrap();
        assert_eq!(t.contents, [9]);
        // No length bytes, or more than four, or more than there is.
        // (0x80 is the long form with no length bytes, not a length of
        // 128, however many bytes follow.)
        assert!(tlv(&[[0x04, 0x80].as_slice(), &[0; 200]].concat()).is_none());
        assert!(tlv(&[0x04, 0x85, 0, 0, 0, 0, 1, 9]).is_none());
        assert!(tlv(&[0x04, 0x84, 0, 0, 0, 1, 9]).is_some());
        assert!(tlv(&[0x04, 0x02, 9]).is_none());
        assert!(tlv(&[0x04]).is_none());
    }

    /// A v3 certificate shape with `extensions` (each `(oid, critical,
    /// value)`) in its `[3]` field.
    fn with_extensions(extensions: &[(&[u8], bool, Vec<u8>)]) -> Vec<u8> {
        let plain = cert(
            true,
            &der(0x17, b"250605043139Z"),
            &der(0x17, b"350605043139Z"),
        );
        // Unwrap to the TBS contents, add the extensions, wrap again.
        let (c, _) = tlv(&plain).unwrap();
        let (tbs, after) = tlv(c.contents).unwrap();
        let mut list = Vec::new();
        for (oid, critical, value) in extensions {
            let mut ext = der(0x06, oid);
            if *critical {
                ext.extend(der(0x01, &[0xff]));
            }
            ext.extend(der(0x04, value));
            list.extend(der(0x30, &ext));
        }
        let mut fields = tbs.contents.to_vec();
        fields.extend(der(0xa3, &der(0x30, &list)));
        let mut c = der(0x30, &fields);
        c.extend_from_slice(after);
        der(0x30, &c)
    }

    /// An extended key usage value listing `usages`.
    fn eku(usages: &[&[u8]]) -> Vec<u8> {
        der(
            0x30,
            &usages.iter().flat_map(|u| der(0x06, u)).collect::<Vec<_>>(),
        )
    }

    #[test]
    fn server_use_is_read_from_the_extended_key_usage() {
        const CLIENT_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];
        const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
        let v1 = cert(
            false,
            &der(0x17, b"250605043139Z"),
            &der(0x17, b"350605043139Z"),
        );
        assert_eq!(
            allows_server_auth(&v1),
            Some(true),
            "no extensions: any use"
        );
        let other = (BASIC_CONSTRAINTS, true, der(0x30, &[]));
        assert_eq!(
            allows_server_auth(&with_extensions(std::slice::from_ref(&other))),
            Some(true)
        );
        for (usages, critical, allowed) in [
            (vec![SERVER_AUTH], false, true),
            (vec![CLIENT_AUTH], false, false),
            (vec![CLIENT_AUTH], true, false),
            (vec![CLIENT_AUTH, SERVER_AUTH], true, true),
            (vec![CLIENT_AUTH, ANY_USAGE], false, true),
            (vec![], false, false),
        ] {
            let c = with_extensions(&[other.clone(), (EXT_KEY_USAGE, critical, eku(&usages))]);
            assert_eq!(
                allows_server_auth(&c),
                Some(allowed),
                "{usages:?}, critical {critical}"
            );
        }
        assert_eq!(allows_server_auth(&[0x30, 0x03, 0x30, 0x01]), None);
    }

    #[test]
    fn misplaced_fields_are_refused() {
        let nb = der(0x17, b"250605043139Z");
        let na = der(0x18, b"20991231235959Z");
        let good = cert(false, &nb, &na);
        // Which byte is the tag of the serial, the validity, the key.
        let tags: Vec<usize> = [
            &der(0x02, &[1])[..],
            &der(0x30, &[nb.clone(), na.clone()].concat()),
        ]
        .iter()
        .map(|f| good.windows(f.len()).position(|w| w == *f).unwrap())
        .collect();
        let spki = good
            .windows(4)
            .position(|w| w == [0x30, 0x0a, 0x30, 0x03])
            .unwrap();
        for at in tags.into_iter().chain([spki]) {
            let mut bad = good.clone();
            bad[at] = 0x31;
            assert!(parse(&bad).is_none(), "tag at {at}");
        }
        assert_eq!(public_key_bits(&der(0x31, &der(0x30, &[]))), None);
        assert_eq!(
            public_key_bits(&der(0x30, &[der(0x30, &[]), der(0x04, &[1])].concat())),
            None
        );
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        let na = der(0x18, b"20991231235959Z");
        assert!(parse(&cert(true, &der(0x17, b"2506050431Z"), &na)).is_none());
        assert!(parse(&cert(true, &der(0x17, b"251305043139Z"), &na)).is_none());
        assert!(parse(b"\x30\x84\xff\xff\xff\xff").is_none());
        assert!(parse(&[]).is_none());
        let good = cert(true, &der(0x17, b"250605043139Z"), &na);
        for cut in 0..good.len() {
            assert!(parse(&good[..cut]).is_none(), "cut at {cut}");
        }
    }
}

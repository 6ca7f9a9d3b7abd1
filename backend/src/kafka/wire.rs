//! Kafka's protocol types read from the bytes of records Kafka and its tools write in them
//! (offset commits, MirrorMaker 2's heartbeats and checkpoints): big-endian integers, and
//! strings as an INT16 length then UTF-8.

/// The reader of one record's key or value, from its start.
pub(crate) struct Fields<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 0 }
    }

    /// The reader of `bytes` past a leading INT16 version.
    pub(crate) fn after_version(bytes: &'a [u8]) -> Self {
        Self { bytes, at: 2 }
    }

    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let taken = self.bytes.get(self.at..self.at + N)?.try_into().ok()?;
        self.at += N;
        Some(taken)
    }

    pub(crate) fn int16(&mut self) -> Option<i16> {
        self.take().map(i16::from_be_bytes)
    }

    pub(crate) fn int32(&mut self) -> Option<i32> {
        self.take().map(i32::from_be_bytes)
    }

    pub(crate) fn int64(&mut self) -> Option<i64> {
        self.take().map(i64::from_be_bytes)
    }

    pub(crate) fn string(&mut self) -> Option<String> {
        let length = usize::try_from(self.int16()?).ok()?;
        let text = self.bytes.get(self.at..self.at + length)?;
        self.at += length;
        String::from_utf8(text.to_vec()).ok()
    }
}

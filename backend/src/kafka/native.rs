//! The admin calls the `rdkafka` crate does not wrap, made through librdkafka's C API on the
//! snapshot client: the group list with states (ListConsumerGroups, one request per broker,
//! which unlike the crate's `fetch_group_list` needs no DescribeGroups) and topic configs
//! (DescribeConfigs). Using the one client keeps one set of broker connections and lets its
//! statistics count every request. No call here goes to a group coordinator (see
//! [`super::offsets_topic`] for why).
//!
//! This is the only module with `unsafe`. Each pointer from librdkafka is owned by exactly one
//! of the guards below, which free it once; borrowed pointers never outlive the event they
//! came from (the functions copy what they read into owned Rust values before it is dropped).
#![allow(unsafe_code)]

use std::collections::HashMap;
use std::ffi::{CStr, CString, c_char};
use std::time::{Duration, Instant};

use rdkafka::bindings as rd;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};

/// Every group's name and state (Stable, Empty, ...), in one ListGroups request per broker.
pub(super) fn list_groups<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    timeout: Duration,
) -> Result<Vec<(String, String)>, String> {
    let rk = consumer.client().native_ptr();
    let queue = Queue::new(rk);
    let options = Options::new(
        rk,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
        timeout,
    );
    // SAFETY: client, options and queue are alive for the call.
    unsafe { rd::rd_kafka_ListConsumerGroups(rk, options.0, queue.0) };
    let event = queue
        .events(1, timeout)
        .next()
        .unwrap_or_else(|| Err("no answer".into()))?;
    // SAFETY: the event is alive for this whole block; everything read is copied out.
    unsafe {
        let result = rd::rd_kafka_event_ListConsumerGroups_result(event.0);
        if result.is_null() {
            return Err("ListConsumerGroups gave no result".into());
        }
        let mut error_count = 0;
        let errors = rd::rd_kafka_ListConsumerGroups_result_errors(result, &mut error_count);
        if let Some(&first) = slice(errors, error_count).first() {
            tracing::warn!(
                "a broker could not list its groups: {}",
                text(rd::rd_kafka_error_string(first))
            );
        }
        let mut count = 0;
        let listings = rd::rd_kafka_ListConsumerGroups_result_valid(result, &mut count);
        Ok(slice(listings, count)
            .iter()
            .map(|&listing| {
                let state = rd::rd_kafka_ConsumerGroupListing_state(listing);
                (
                    text(rd::rd_kafka_ConsumerGroupListing_group_id(listing)),
                    text(rd::rd_kafka_consumer_group_state_name(state)),
                )
            })
            .collect())
    }
}

/// The value of `key` in each topic's config, in one DescribeConfigs call: `None` for a topic
/// whose config was read without `key` (a broker may list only the values set on the topic).
/// Topics whose config could not be read are left out.
pub(crate) fn topic_config_values<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topics: &[String],
    key: &str,
    timeout: Duration,
) -> Result<HashMap<String, Option<String>>, String> {
    if topics.is_empty() {
        return Ok(HashMap::new());
    }
    let rk = consumer.client().native_ptr();
    let queue = Queue::new(rk);
    let options = Options::new(
        rk,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS,
        timeout,
    );
    let names: Vec<CString> = topics
        .iter()
        .filter_map(|t| CString::new(t.as_str()).ok())
        .collect();
    // SAFETY: each resource is created here and destroyed after the call (librdkafka copies).
    unsafe {
        let mut resources: Vec<_> = names
            .iter()
            .map(|n| {
                rd::rd_kafka_ConfigResource_new(
                    rd::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_TOPIC,
                    n.as_ptr(),
                )
            })
            .collect();
        rd::rd_kafka_DescribeConfigs(
            rk,
            resources.as_mut_ptr(),
            resources.len(),
            options.0,
            queue.0,
        );
        rd::rd_kafka_ConfigResource_destroy_array(resources.as_mut_ptr(), resources.len());
    }
    let event = queue
        .events(1, timeout)
        .next()
        .unwrap_or_else(|| Err("no answer".into()))?;
    let mut values = HashMap::new();
    // SAFETY: the event is alive for this whole block; everything read is copied out.
    unsafe {
        let result = rd::rd_kafka_event_DescribeConfigs_result(event.0);
        if result.is_null() {
            return Err("DescribeConfigs gave no result".into());
        }
        let mut count = 0;
        let resources = rd::rd_kafka_DescribeConfigs_result_resources(result, &mut count);
        for &resource in slice(resources, count) {
            if rd::rd_kafka_ConfigResource_error(resource)
                != rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR
            {
                continue;
            }
            let mut entries_count = 0;
            let entries = rd::rd_kafka_ConfigResource_configs(resource, &mut entries_count);
            let value = slice(entries, entries_count)
                .iter()
                .find(|&&entry| text(rd::rd_kafka_ConfigEntry_name(entry)) == key)
                .map(|&entry| rd::rd_kafka_ConfigEntry_value(entry))
                .filter(|value| !value.is_null())
                .map(|value| text(value));
            values.insert(text(rd::rd_kafka_ConfigResource_name(resource)), value);
        }
    }
    Ok(values)
}

/// A result queue of our own, so these answers do not mix with the client's other events.
struct Queue(*mut rd::rd_kafka_queue_t);

impl Queue {
    fn new(rk: *mut rd::rd_kafka_t) -> Self {
        // SAFETY: `rk` is the live client the caller borrows for the queue's whole life.
        Self(unsafe { rd::rd_kafka_queue_new(rk) })
    }

    /// Up to `expected` result events, until `timeout` (plus a second for librdkafka's own
    /// timeout to fire) has passed. An event that carries an error becomes `Err`.
    fn events(
        &self,
        expected: usize,
        timeout: Duration,
    ) -> impl Iterator<Item = Result<Event, String>> + '_ {
        let deadline = Instant::now() + timeout + Duration::from_secs(1);
        let mut received = 0;
        std::iter::from_fn(move || {
            while received < expected {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    received = expected;
                    return Some(Err("timed out waiting for Kafka".into()));
                }
                let millis = i32::try_from(left.as_millis()).unwrap_or(i32::MAX);
                // SAFETY: the queue is alive; a non-null event is owned by the `Event` guard.
                let event = unsafe { rd::rd_kafka_queue_poll(self.0, millis) };
                if event.is_null() {
                    continue;
                }
                received += 1;
                let event = Event(event);
                // SAFETY: the event is alive; its error string is copied before it is freed.
                let error = unsafe { rd::rd_kafka_event_error(event.0) };
                if error != rd::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
                    return Some(Err(unsafe {
                        text(rd::rd_kafka_event_error_string(event.0))
                    }));
                }
                return Some(Ok(event));
            }
            None
        })
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_queue_new and freed only here.
        unsafe { rd::rd_kafka_queue_destroy(self.0) }
    }
}

/// Admin options with a request timeout.
struct Options(*mut rd::rd_kafka_AdminOptions_t);

impl Options {
    fn new(rk: *mut rd::rd_kafka_t, api: rd::rd_kafka_admin_op_t, timeout: Duration) -> Self {
        let millis = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        let mut error = [0 as c_char; 256];
        // SAFETY: `rk` is alive; the error buffer is as long as we say.
        unsafe {
            let options = rd::rd_kafka_AdminOptions_new(rk, api);
            rd::rd_kafka_AdminOptions_set_request_timeout(
                options,
                millis,
                error.as_mut_ptr(),
                error.len(),
            );
            Self(options)
        }
    }
}

impl Drop for Options {
    fn drop(&mut self) {
        // SAFETY: created by rd_kafka_AdminOptions_new and freed only here.
        unsafe { rd::rd_kafka_AdminOptions_destroy(self.0) }
    }
}

/// A result event, freed when dropped.
struct Event(*mut rd::rd_kafka_event_t);

impl Drop for Event {
    fn drop(&mut self) {
        // SAFETY: polled from our queue and freed only here.
        unsafe { rd::rd_kafka_event_destroy(self.0) }
    }
}

/// A C string copied into a `String` (empty for NULL).
///
/// # Safety
/// `ptr` is NULL or a valid NUL-terminated string.
unsafe fn text(ptr: *const c_char) -> String {
    if ptr.is_null() {
        return String::new();
    }
    // SAFETY: the caller promises a valid C string.
    unsafe { CStr::from_ptr(ptr) }
        .to_string_lossy()
        .into_owned()
}

/// A C array as a slice (empty for NULL).
///
/// # Safety
/// `ptr` is NULL or points to `len` valid elements that outlive the slice's use.
unsafe fn slice<'a, T>(ptr: *const T, len: usize) -> &'a [T] {
    if ptr.is_null() || len == 0 {
        return &[];
    }
    // SAFETY: the caller promises `len` valid elements.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

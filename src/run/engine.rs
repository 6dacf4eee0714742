//! The JavaScript engine of `pve_run`: QuickJS-ng (rquickjs), one fresh runtime per run, on a
//! thread of its own, made only when a program runs (start-up never pays for it).
//!
//! The program sees `pve.call`, `pve.sleep`/`sleep` and `console.log`, and nothing of the host:
//! its clock (`Date`) and `Math.random` are the run's own, so that an approved run can replay the dry
//! run's ([`Replay`]);
//! the runtime has no module loader, no `std`/`os` modules, no timers, no `fetch`. `pve.call`
//! is a blocking bridge: the engine thread hands the call to the async side (which runs it on the
//! one call path) and waits for its answer; the async runtime never blocks.
//!
//! Limits: memory and stack (the runtime's own), CPU time of the script (its interrupt handler:
//! time spent waiting for calls and sleeps does not count), wall time and cancellation (a stop
//! flag the async side raises, read by the same handler), and the number of calls.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rquickjs::context::EvalOptions;
use rquickjs::{CatchResultExt, CaughtError, Context, Ctx, Exception, Function, Promise, Runtime, Value as JsValue};
use serde_json::{Map, Value};
use tokio::sync::{mpsc, oneshot};

/// The limits of one run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The whole run, calls and task waits included.
    pub wall: Duration,
    /// The script's own computing (not its waits).
    pub cpu: Duration,
    /// Bytes the script's heap may use.
    pub memory: usize,
    /// Bytes of native stack the script may use.
    pub stack: usize,
    /// Tool calls per run.
    pub calls: usize,
}

impl Limits {
    pub fn with_wall(wall: Duration) -> Limits {
        Limits { wall, cpu: Duration::from_secs(10), memory: 64 << 20, stack: 1 << 20, calls: 500 }
    }
}

/// Lines of `console.log` kept, and characters per line.
const LOG_LINES: usize = 200;
const LOG_LINE_CHARS: usize = 2000;
/// The longest one `sleep` may wait.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// Why the async side stopped a run ([`Stop`]'s values).
pub const STOP_NONE: u8 = 0;
pub const STOP_WALL: u8 = 1;
pub const STOP_CANCELLED: u8 = 2;
const STOP_CPU: u8 = 3;

/// A flag the async side raises to stop the script (wall time, cancellation); the engine reads it.
pub type Stop = Arc<AtomicU8>;

/// One `pve.call` from the program, for the async side to run.
pub struct CallRequest {
    pub tool: String,
    pub args: Map<String, Value>,
    pub reply: oneshot::Sender<Result<Value, String>>,
}

/// What a run's clock and randomness start from: an approved run replays its dry run's.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    /// The seed of `Math.random`.
    pub seed: [u8; 16],
    /// Clock readings (ms since the epoch) `Date` gives first, in order; then the real clock.
    pub clock: Vec<u64>,
}

/// How a run of the script ended.
#[derive(Debug)]
pub struct Finished {
    /// The program's return value, or why it has none.
    pub result: Result<Value, ScriptError>,
    pub log: Vec<String>,
    pub calls: usize,
    /// The program's first clock readings (at most [`super::plan::CLOCK_READINGS`]).
    pub clock: Vec<u64>,
}

/// The run's clock: replayed readings first, then the real one; the readings given are recorded.
struct Clock {
    replay: std::collections::VecDeque<u64>,
    recorded: Vec<u64>,
}

impl Clock {
    fn now(&mut self) -> u64 {
        let t = self.replay.pop_front().unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0)
        });
        if self.recorded.len() < super::plan::CLOCK_READINGS {
            self.recorded.push(t);
        }
        t
    }
}

/// SplitMix64: `Math.random`'s generator, the same sequence for the same seed.
struct Random(u64);

impl Random {
    fn of(seed: [u8; 16]) -> Random {
        let (a, b) = seed.split_at(8);
        let word = |h: &[u8]| u64::from_be_bytes(h.try_into().unwrap_or([0; 8]));
        Random(word(a).wrapping_add(word(b).wrapping_mul(0x9E37_79B9_7F4A_7C15)))
    }

    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Why the script produced no value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScriptError {
    #[error("the program does not compile: {0}")]
    Syntax(String),
    #[error("the program threw: {0}")]
    Thrown(String),
    #[error("the program was stopped: it ran over the wall time limit of {0} s (PVE_RUN_TIMEOUT, task waits included)")]
    WallTime(u64),
    #[error("the program was stopped: it computed for over {0} s of CPU time (an endless loop?)")]
    CpuTime(u64),
    #[error("the program was stopped: the client cancelled the call")]
    Cancelled,
    #[error("the program ran out of memory (limit {0} MB)")]
    OutOfMemory(usize),
    #[error("the program ran out of stack (too deep a recursion)")]
    StackOverflow,
    #[error("the program waits for a promise that never settles (only pve.call and sleep can be awaited)")]
    NeverSettles,
    #[error("the program's return value is not JSON: {0}")]
    NotJson(String),
    #[error("the JavaScript engine could not start: {0}")]
    Engine(String),
}

/// Starts the program on its own thread; its calls arrive on `calls`, its end on the receiver.
pub fn start(
    code: String,
    limits: Limits,
    replay: Replay,
    calls: mpsc::Sender<CallRequest>,
    stop: Stop,
) -> oneshot::Receiver<Finished> {
    let (done, finished) = oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("pve-run".into())
        // Room above the script's own stack limit, for the engine and the bridge.
        .stack_size(limits.stack + (4 << 20))
        .spawn(move || {
            let _ = done.send(execute(&code, limits, replay, calls, stop));
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the pve_run thread");
    }
    finished
}

/// The program, wrapped: the body of an async function whose value comes back as JSON text. It
/// starts on the second line, at its first column: the engine's line numbers, less one, are the
/// program's, and its columns are the program's.
fn wrap(code: &str) -> String {
    format!(
        "\"use strict\"; (async function () {{\n{code}\n}})().then((v) => {{ const s = JSON.stringify(v); return s === undefined ? \"null\" : s; }})"
    )
}

/// The file name the program is evaluated under (the prelude has another): stack frames in it are
/// the program's.
const PROGRAM_FILE: &str = "program";
/// The lines [`wrap`] puts before the program.
const WRAP_LINES: u64 = 1;

fn eval_options(file: &str) -> EvalOptions {
    let mut options = EvalOptions::default();
    options.filename = Some(file.to_owned());
    options
}

/// What the program sees besides the language itself. The bridge functions are taken out of
/// the global object once wrapped.
const PRELUDE: &str = r#""use strict";
(() => {
  const call = globalThis.__pve_call, log = globalThis.__pve_log, pause = globalThis.__pve_sleep;
  const clock = globalThis.__pve_clock, random = globalThis.__pve_random;
  delete globalThis.__pve_call; delete globalThis.__pve_log; delete globalThis.__pve_sleep;
  delete globalThis.__pve_clock; delete globalThis.__pve_random;
  // The run's clock and randomness (an approved run replays its dry run's).
  const RealDate = Date;
  function PveDate(...a) {
    if (new.target === undefined) return new RealDate(clock()).toString();
    return Reflect.construct(RealDate, a.length === 0 ? [clock()] : a, new.target);
  }
  Object.setPrototypeOf(PveDate, RealDate);
  PveDate.prototype = RealDate.prototype;
  PveDate.now = () => clock();
  Object.defineProperty(RealDate.prototype, "constructor", { value: PveDate, writable: true, configurable: true });
  globalThis.Date = PveDate;
  Math.random = () => random();
  const text = (v) => {
    if (typeof v === "string") return v;
    if (v instanceof Error) return String(v);
    try { const s = JSON.stringify(v); return s === undefined ? String(v) : s; } catch (e) { return String(v); }
  };
  const write = (...a) => log(a.map(text).join(" "));
  globalThis.console = Object.freeze({ log: write, info: write, warn: write, error: write, debug: write });
  const sleep = async (ms) => { pause(Number(ms) || 0); };
  const base = {
    call: async (tool, args) => JSON.parse(call(String(tool), JSON.stringify(args === undefined ? {} : args))),
    sleep,
  };
  // pve.qemu_vm_start({...}) is pve.call("qemu_vm_start", {...}).
  globalThis.pve = new Proxy(Object.freeze(base), {
    get: (t, name) => typeof name !== "string" || name === "then" ? undefined
      : name in t ? t[name] : (args) => base.call(name, args),
  });
  globalThis.sleep = sleep;
})();
"#;

fn execute(code: &str, limits: Limits, replay: Replay, calls: mpsc::Sender<CallRequest>, stop: Stop) -> Finished {
    let log = Rc::new(RefCell::new(Vec::new()));
    let count = Rc::new(RefCell::new(0usize));
    let clock = Rc::new(RefCell::new(Clock { replay: replay.clock.into(), recorded: Vec::new() }));
    let random = Rc::new(RefCell::new(Random::of(replay.seed)));
    let host = Host { log: log.clone(), count: count.clone(), clock: clock.clone(), random };
    let mut result = run_script(code, limits, calls, &stop, host);
    // Stopped from outside while finishing: the stop is what counts.
    match stop.load(Ordering::Relaxed) {
        STOP_WALL => result = Err(ScriptError::WallTime(limits.wall.as_secs())),
        STOP_CANCELLED => result = Err(ScriptError::Cancelled),
        _ => {}
    }
    let log = log.borrow().clone();
    let calls = *count.borrow();
    let clock = clock.borrow().recorded.clone();
    Finished { result, log, calls, clock }
}

/// The run's state the host functions share.
struct Host {
    log: Rc<RefCell<Vec<String>>>,
    count: Rc<RefCell<usize>>,
    clock: Rc<RefCell<Clock>>,
    random: Rc<RefCell<Random>>,
}

fn run_script(
    code: &str,
    limits: Limits,
    calls: mpsc::Sender<CallRequest>,
    stop: &Stop,
    host: Host,
) -> Result<Value, ScriptError> {
    let engine = |e: rquickjs::Error| ScriptError::Engine(e.to_string());
    let runtime = Runtime::new().map_err(engine)?;
    runtime.set_memory_limit(limits.memory);
    runtime.set_max_stack_size(limits.stack);
    // Time spent waiting (calls, sleeps): not the script's computing.
    let waited = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    {
        let (stop, waited, cpu) = (stop.clone(), waited.clone(), limits.cpu);
        runtime.set_interrupt_handler(Some(Box::new(move || {
            if stop.load(Ordering::Relaxed) != STOP_NONE {
                return true;
            }
            let computing = started.elapsed().saturating_sub(Duration::from_nanos(waited.load(Ordering::Relaxed)));
            if computing > cpu {
                stop.store(STOP_CPU, Ordering::Relaxed);
                return true;
            }
            false
        })));
    }
    let context = Context::full(&runtime).map_err(engine)?;
    context.with(|ctx| {
        install(&ctx, limits, calls, stop.clone(), waited.clone(), host).map_err(engine)?;
        let outcome = (|| {
            ctx.eval_with_options::<(), _>(PRELUDE, eval_options("prelude"))
                .catch(&ctx)
                .map_err(|e| ScriptError::Engine(caught_text(e, 0)))?;
            let lines = code.lines().count().max(1) as u64;
            let promise: Promise = ctx
                .eval_with_options(wrap(code), eval_options(PROGRAM_FILE))
                .catch(&ctx)
                .map_err(|e| classify(e, limits, stop, true, lines))?;
            let json: String = promise.finish().catch(&ctx).map_err(|e| classify(e, limits, stop, false, lines))?;
            serde_json::from_str(&json).map_err(|e| ScriptError::NotJson(e.to_string()))
        })();
        Ok::<_, ScriptError>(outcome)
    })?
}

/// The host functions behind the prelude.
fn install<'js>(
    ctx: &Ctx<'js>,
    limits: Limits,
    calls: mpsc::Sender<CallRequest>,
    stop: Stop,
    waited: Arc<AtomicU64>,
    host: Host,
) -> rquickjs::Result<()> {
    let Host { log, count, clock, random } = host;
    let globals = ctx.globals();
    globals.set("__pve_clock", Function::new(ctx.clone(), move || clock.borrow_mut().now() as f64)?)?;
    globals.set("__pve_random", Function::new(ctx.clone(), move || random.borrow_mut().next())?)?;
    let call_waited = waited.clone();
    let call =
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, tool: String, args: String| -> rquickjs::Result<String> {
            let throw = |message: String| Err(Exception::throw_message(&ctx, &message));
            {
                let mut n = count.borrow_mut();
                if *n >= limits.calls {
                    return throw(format!("{tool}: not called: a run may make at most {} calls", limits.calls));
                }
                *n += 1;
            }
            let args = match serde_json::from_str::<Value>(&args) {
                Ok(Value::Object(o)) => o,
                _ => return throw(format!("{tool}: not called: its arguments must be an object")),
            };
            let (reply, answer) = oneshot::channel();
            let begun = Instant::now();
            let sent = calls.blocking_send(CallRequest { tool: tool.clone(), args, reply }).is_ok();
            let answer = if sent { answer.blocking_recv().ok() } else { None };
            call_waited.fetch_add(begun.elapsed().as_nanos() as u64, Ordering::Relaxed);
            match answer {
                Some(Ok(data)) => Ok(data.to_string()),
                Some(Err(message)) => throw(message),
                None => throw(format!("{tool}: not called: the run is over")),
            }
        })?;
    globals.set("__pve_call", call)?;
    let pause = Function::new(ctx.clone(), move |ctx: Ctx<'js>, ms: f64| -> rquickjs::Result<()> {
        let want = Duration::from_secs_f64((ms / 1000.0).clamp(0.0, MAX_SLEEP.as_secs_f64()));
        let begun = Instant::now();
        while begun.elapsed() < want && stop.load(Ordering::Relaxed) == STOP_NONE {
            std::thread::sleep((want - begun.elapsed()).min(Duration::from_millis(50)));
        }
        waited.fetch_add(begun.elapsed().as_nanos() as u64, Ordering::Relaxed);
        if stop.load(Ordering::Relaxed) != STOP_NONE {
            return Err(Exception::throw_internal(&ctx, "interrupted"));
        }
        Ok(())
    })?;
    globals.set("__pve_sleep", pause)?;
    let write = Function::new(ctx.clone(), move |line: String| {
        let mut log = log.borrow_mut();
        if log.len() < LOG_LINES {
            log.push(line.chars().take(LOG_LINE_CHARS).collect());
        } else if log.len() == LOG_LINES {
            log.push(format!("(console.log: more than {LOG_LINES} lines; the rest left out)"));
        }
    })?;
    globals.set("__pve_log", write)?;
    Ok(())
}

/// What an exception says, for a person.
fn caught_text(e: CaughtError<'_>, program_lines: u64) -> String {
    match e {
        CaughtError::Exception(x) => {
            let message = x.message().unwrap_or_default();
            let name = x.get::<_, String>("name").unwrap_or_else(|_| "Error".into());
            let line = x
                .stack()
                .and_then(|s| first_place(&s, program_lines))
                .map(|p| format!(" (at {p})"))
                .unwrap_or_default();
            format!("{name}: {message}{line}")
        }
        CaughtError::Value(v) => js_text(&v),
        CaughtError::Error(e) => e.to_string(),
    }
}

/// The program's line and column from a stack trace (`at <anon> (program:3:9)`): its first frame
/// in the program's own lines (not the prelude's, not the wrapper's), less the wrapper's line. The
/// engine places some errors (a read of an undefined name) only at the wrapper: then none is named.
fn first_place(stack: &str, program_lines: u64) -> Option<String> {
    let marker = format!("{PROGRAM_FILE}:");
    stack.lines().filter_map(|l| l.trim().split(&marker).nth(1)).find_map(|at| {
        let at = at.trim_end_matches(')');
        let (line, column) = at.split_once(':').unwrap_or((at, ""));
        let line = line.parse::<u64>().ok()?.checked_sub(WRAP_LINES).filter(|l| (1..=program_lines).contains(l))?;
        Some(if column.is_empty() { format!("line {line}") } else { format!("line {line}, column {column}") })
    })
}

fn js_text(v: &JsValue<'_>) -> String {
    if let Some(s) = v.as_string().and_then(|s| s.to_string().ok()) {
        return s;
    }
    format!("a thrown {}", v.type_name())
}

/// Why the script ended without a value.
fn classify(e: CaughtError<'_>, limits: Limits, stop: &Stop, compiling: bool, program_lines: u64) -> ScriptError {
    match stop.load(Ordering::Relaxed) {
        STOP_WALL => return ScriptError::WallTime(limits.wall.as_secs()),
        STOP_CANCELLED => return ScriptError::Cancelled,
        STOP_CPU => return ScriptError::CpuTime(limits.cpu.as_secs()),
        _ => {}
    }
    if let CaughtError::Error(rquickjs::Error::WouldBlock) = e {
        return ScriptError::NeverSettles;
    }
    let text = caught_text(e, program_lines);
    if text.contains("out of memory") || matches!(text.as_str(), "Allocation failed while creating object") {
        return ScriptError::OutOfMemory(limits.memory >> 20);
    }
    if text.contains("stack overflow") || text.contains("Maximum call stack size exceeded") {
        return ScriptError::StackOverflow;
    }
    if compiling && text.starts_with("SyntaxError") {
        return ScriptError::Syntax(text);
    }
    ScriptError::Thrown(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_in_the_stack_is_the_programs_first_frame_less_the_wrapper_line() {
        let stack = "    at call (prelude:14:87)\n    at <anonymous> (program:3:9)\n    at <eval> (program:4:1)";
        assert_eq!(first_place(stack, 3).as_deref(), Some("line 2, column 9"));
    }

    #[test]
    fn a_stack_without_a_program_frame_names_no_place() {
        assert_eq!(first_place("    at call (prelude:14:87)", 3), None);
    }

    #[test]
    fn a_frame_in_the_wrapper_names_no_place() {
        assert_eq!(first_place("    at <anonymous> (program:1:1)\n    at <eval> (program:4:1)", 2), None);
    }

    #[test]
    fn the_same_seed_gives_the_same_random_values() {
        let (mut a, mut b) = (Random::of([3; 16]), Random::of([3; 16]));
        let xs: Vec<f64> = (0..5).map(|_| a.next()).collect();
        assert_eq!(xs, (0..5).map(|_| b.next()).collect::<Vec<_>>());
        assert!(xs.iter().all(|x| (0.0..1.0).contains(x)));
        assert_ne!(xs[0], Random::of([4; 16]).next());
    }

    #[test]
    fn the_clock_replays_its_readings_then_gives_real_time_and_records_all() {
        let mut clock = Clock { replay: vec![5, 6].into(), recorded: vec![] };
        assert_eq!((clock.now(), clock.now()), (5, 6));
        assert!(clock.now() > 1_700_000_000_000);
        assert_eq!(&clock.recorded[..2], &[5, 6]);
    }
}

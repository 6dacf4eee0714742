//! The JavaScript engine of `pve_run`: QuickJS-ng (rquickjs), one fresh runtime per run, on a
//! thread of its own, made only when a program runs (start-up never pays for it).
//!
//! The program sees `pve.call`, `pve.sleep`/`sleep` and `console.log`, and nothing of the host:
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

/// How a run of the script ended.
#[derive(Debug)]
pub struct Finished {
    /// The program's return value, or why it has none.
    pub result: Result<Value, ScriptError>,
    pub log: Vec<String>,
    pub calls: usize,
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
    calls: mpsc::Sender<CallRequest>,
    stop: Stop,
) -> oneshot::Receiver<Finished> {
    let (done, finished) = oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("pve-run".into())
        // Room above the script's own stack limit, for the engine and the bridge.
        .stack_size(limits.stack + (4 << 20))
        .spawn(move || {
            let _ = done.send(execute(&code, limits, calls, stop));
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "could not start the pve_run thread");
    }
    finished
}

/// The program, wrapped: the body of an async function whose value comes back as JSON text. It
/// starts on the first line, so the engine's line numbers are the program's.
fn wrap(code: &str) -> String {
    format!(
        "\"use strict\"; (async function () {{{code}\n}})().then((v) => {{ const s = JSON.stringify(v); return s === undefined ? \"null\" : s; }})"
    )
}

/// What the program sees besides the language itself. The bridge functions are taken out of
/// the global object once wrapped.
const PRELUDE: &str = r#""use strict";
(() => {
  const call = globalThis.__pve_call, log = globalThis.__pve_log, pause = globalThis.__pve_sleep;
  delete globalThis.__pve_call; delete globalThis.__pve_log; delete globalThis.__pve_sleep;
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

fn execute(code: &str, limits: Limits, calls: mpsc::Sender<CallRequest>, stop: Stop) -> Finished {
    let log = Rc::new(RefCell::new(Vec::new()));
    let count = Rc::new(RefCell::new(0usize));
    let mut result = run_script(code, limits, calls, &stop, log.clone(), count.clone());
    // Stopped from outside while finishing: the stop is what counts.
    match stop.load(Ordering::Relaxed) {
        STOP_WALL => result = Err(ScriptError::WallTime(limits.wall.as_secs())),
        STOP_CANCELLED => result = Err(ScriptError::Cancelled),
        _ => {}
    }
    let log = log.borrow().clone();
    let calls = *count.borrow();
    Finished { result, log, calls }
}

fn run_script(
    code: &str,
    limits: Limits,
    calls: mpsc::Sender<CallRequest>,
    stop: &Stop,
    log: Rc<RefCell<Vec<String>>>,
    count: Rc<RefCell<usize>>,
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
        install(&ctx, limits, calls, stop.clone(), waited.clone(), log, count).map_err(engine)?;
        let outcome = (|| {
            ctx.eval::<(), _>(PRELUDE).catch(&ctx).map_err(|e| ScriptError::Engine(caught_text(e)))?;
            let promise: Promise = ctx.eval(wrap(code)).catch(&ctx).map_err(|e| classify(e, limits, stop, true))?;
            let json: String = promise.finish().catch(&ctx).map_err(|e| classify(e, limits, stop, false))?;
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
    log: Rc<RefCell<Vec<String>>>,
    count: Rc<RefCell<usize>>,
) -> rquickjs::Result<()> {
    let globals = ctx.globals();
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
fn caught_text(e: CaughtError<'_>) -> String {
    match e {
        CaughtError::Exception(x) => {
            let message = x.message().unwrap_or_default();
            let name = x.get::<_, String>("name").unwrap_or_else(|_| "Error".into());
            let line = x.stack().and_then(|s| first_place(&s)).map(|p| format!(" (at {p})")).unwrap_or_default();
            format!("{name}: {message}{line}")
        }
        CaughtError::Value(v) => js_text(&v),
        CaughtError::Error(e) => e.to_string(),
    }
}

/// The program's line and column from a stack trace (`at <anon> (eval_script:3:9)`).
fn first_place(stack: &str) -> Option<String> {
    let place = stack.lines().map(str::trim).find(|l| l.contains("eval_script:"))?;
    let at = place.split("eval_script:").nth(1)?.trim_end_matches(')');
    Some(format!("line {}", at.replace(':', ", column ")))
}

fn js_text(v: &JsValue<'_>) -> String {
    if let Some(s) = v.as_string().and_then(|s| s.to_string().ok()) {
        return s;
    }
    format!("a thrown {}", v.type_name())
}

/// Why the script ended without a value.
fn classify(e: CaughtError<'_>, limits: Limits, stop: &Stop, compiling: bool) -> ScriptError {
    match stop.load(Ordering::Relaxed) {
        STOP_WALL => return ScriptError::WallTime(limits.wall.as_secs()),
        STOP_CANCELLED => return ScriptError::Cancelled,
        STOP_CPU => return ScriptError::CpuTime(limits.cpu.as_secs()),
        _ => {}
    }
    if let CaughtError::Error(rquickjs::Error::WouldBlock) = e {
        return ScriptError::NeverSettles;
    }
    let text = caught_text(e);
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

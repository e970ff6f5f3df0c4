//! A connection to one node's client port that carries many requests at once: each
//! request has its own id, and a reader task hands each reply to the caller waiting for
//! that id. A closed connection fails its waiting calls at once and is opened again on
//! the next call.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{ReadHalf, WriteHalf};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::net::{codec, frame};
use crate::node::{ClientAnswer, ClientCall, ClientReply, ClientRequest};

type Waiting = Arc<Mutex<HashMap<u64, oneshot::Sender<ClientAnswer>>>>;

pub struct Link {
    addr: SocketAddr,
    conn: tokio::sync::Mutex<Option<Conn>>,
}

struct Conn {
    writer: WriteHalf<TcpStream>,
    waiting: Waiting,
    open: Arc<AtomicBool>,
    next_id: u64,
}

impl Link {
    pub fn new(addr: SocketAddr) -> Self {
        Link { addr, conn: tokio::sync::Mutex::new(None) }
    }

    /// Sends `call` and waits up to `timeout` for its answer.
    pub async fn call(&self, call: ClientCall, timeout: Duration) -> Result<ClientAnswer, String> {
        let (answer, waiting, id) = {
            let mut guard = self.conn.lock().await;
            if !guard.as_ref().is_some_and(|c| c.open.load(Ordering::Relaxed)) {
                *guard = Some(self.connect(timeout).await?);
            }
            let conn = guard.as_mut().expect("connected above");
            conn.next_id += 1;
            let (tx, answer) = oneshot::channel();
            conn.waiting.lock().expect("not poisoned").insert(conn.next_id, tx);
            let request = ClientRequest { id: conn.next_id, call };
            if let Err(e) = frame::write_frame(&mut conn.writer, &codec::encode(&request)).await {
                *guard = None;
                return Err(format!("{}: {e}", self.addr));
            }
            (answer, conn.waiting.clone(), conn.next_id)
        };
        match tokio::time::timeout(timeout, answer).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(_)) => Err(format!("{} closed the connection", self.addr)),
            Err(_) => {
                waiting.lock().expect("not poisoned").remove(&id);
                Err(format!("{} did not answer within {timeout:?}", self.addr))
            }
        }
    }

    async fn connect(&self, timeout: Duration) -> Result<Conn, String> {
        let stream = match tokio::time::timeout(timeout, TcpStream::connect(self.addr)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => return Err(format!("{}: {e}", self.addr)),
            Err(_) => return Err(format!("{}: no connection within {timeout:?}", self.addr)),
        };
        let (reader, writer) = tokio::io::split(stream);
        let (waiting, open) = (Waiting::default(), Arc::new(AtomicBool::new(true)));
        tokio::spawn(read_replies(reader, waiting.clone(), open.clone()));
        Ok(Conn { writer, waiting, open, next_id: 0 })
    }
}

/// Hands each reply to its caller; when the connection ends, fails every waiting call.
async fn read_replies(mut reader: ReadHalf<TcpStream>, waiting: Waiting, open: Arc<AtomicBool>) {
    while let Ok(Some(bytes)) = frame::read_frame(&mut reader).await {
        let Ok(reply) = codec::decode::<ClientReply>(&bytes) else { break };
        if let Some(caller) = waiting.lock().expect("not poisoned").remove(&reply.id) {
            let _ = caller.send(reply.answer);
        }
    }
    open.store(false, Ordering::Relaxed);
    waiting.lock().expect("not poisoned").clear();
}

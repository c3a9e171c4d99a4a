//! A slow database never stalls a connection: while one request waits on
//! the store, the connection keeps writing what the hub sends it, and the
//! replies still come in the order of the requests.

use std::{sync::Arc, time::Duration};

use futures::future::BoxFuture;

use app::{
    chat::AuditRow,
    model::{ChannelId, ChannelName, DisplayName, GroupName, User, UserId, Username},
    protocol::{
        Attachment, ChannelKind, ChannelSummary, ClientMsg, DirectoryEntry, FileId, Message,
        MessageId, PageAt, Reply, Rev, Seq, ServerMsg, Standing,
    },
};
use server::{
    hub::QUEUE_FRAMES,
    store::{
        accounts::{Account, Credentials, SessionUser, SignOut},
        audit::Audit,
        blocks::Blocking,
        channel_settings::{Configured, Invited, Setting},
        files::{BlobHash, FileStore, NewFile, StoredFile},
        moderation::{Moderated, Moderation},
        push::{NewSubscription, PushTarget},
        search::{Found, Search},
        sessions::ListedSession,
        AccountStore, Announce, AuditStore, BlockStore, ChannelSettingsStore, ChannelStore,
        DeletionStore, GroupStore, Inserted, Isolation, MemberPage, MentionStore, MessageStore,
        ModerationStore, PasswordHash, PresenceChange, PresenceStore, PushStore, SearchStore,
        SessionListStore, Store, StoreError, UserStore, Write,
    },
};
use tokio::sync::{Notify, Semaphore};

use crate::{browser::Browser, common::TestServer, live::Live};

const PASSWORD: &str = "correct horse battery";

/// The users who write while the reader's request waits.
const WRITERS: [&str; 3] = ["bob", "carol", "dave"];

/// A store whose history waits until the test lets it through.
struct SlowHistory {
    inner: Arc<dyn Store>,
    /// Told when a history read starts waiting.
    waiting: Arc<Notify>,
    /// One permit per history read let through.
    gate: Arc<Semaphore>,
}

#[async_trait::async_trait]
impl MessageStore for SlowHistory {
    async fn write_batch(
        &self,
        batch: &[Write],
        isolation: Isolation,
        announce: &dyn Announce,
    ) -> Result<Vec<Inserted>, StoreError> {
        self.inner.write_batch(batch, isolation, announce).await
    }

    async fn history(
        &self,
        channel: ChannelId,
        page: PageAt,
        limit: u32,
        viewer: UserId,
    ) -> Result<Vec<Message>, StoreError> {
        self.waiting.notify_one();
        let permit = self.gate.acquire().await.expect("gate");
        permit.forget();
        self.inner.history(channel, page, limit, viewer).await
    }

    async fn changed_after(
        &self,
        channel: ChannelId,
        after: Rev,
        limit: u32,
        viewer: UserId,
    ) -> Result<Vec<Message>, StoreError> {
        self.inner
            .changed_after(channel, after, limit, viewer)
            .await
    }

    async fn channel_head(&self, channel: ChannelId) -> Result<(Rev, Seq), StoreError> {
        self.inner.channel_head(channel).await
    }
}

#[async_trait::async_trait]
impl MentionStore for SlowHistory {
    async fn mentions_of(
        &self,
        user: UserId,
        before: Option<MessageId>,
        limit: u32,
    ) -> Result<Vec<Message>, StoreError> {
        self.inner.mentions_of(user, before, limit).await
    }
}

#[async_trait::async_trait]
impl UserStore for SlowHistory {
    async fn create_user(&self, name: &Username, hash: &PasswordHash) -> Result<User, StoreError> {
        self.inner.create_user(name, hash).await
    }

    async fn credentials(&self, name: &str) -> Result<Option<Credentials>, StoreError> {
        self.inner.credentials(name).await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        self.inner.user(id).await
    }

    async fn users_without_lookalike_key(&self, limit: u32) -> Result<Vec<User>, StoreError> {
        self.inner.users_without_lookalike_key(limit).await
    }

    async fn set_lookalike_key(&self, user: UserId, key: &str) -> Result<bool, StoreError> {
        self.inner.set_lookalike_key(user, key).await
    }

    async fn find_users(
        &self,
        prefix: &str,
        except: UserId,
        limit: u32,
    ) -> Result<Vec<User>, StoreError> {
        self.inner.find_users(prefix, except, limit).await
    }

    async fn set_display_name(&self, user: UserId, name: &DisplayName) -> Result<bool, StoreError> {
        self.inner.set_display_name(user, name).await
    }
}

#[async_trait::async_trait]
impl ChannelStore for SlowHistory {
    async fn channels_of(&self, user: UserId) -> Result<Vec<ChannelSummary>, StoreError> {
        self.inner.channels_of(user).await
    }

    async fn channel_of(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<Option<ChannelSummary>, StoreError> {
        self.inner.channel_of(user, channel).await
    }

    async fn is_member(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        self.inner.is_member(user, channel).await
    }

    async fn channel_ids_of(&self, user: UserId) -> Result<Vec<ChannelId>, StoreError> {
        self.inner.channel_ids_of(user).await
    }

    async fn create_channel(
        &self,
        by: UserId,
        name: &ChannelName,
        private: bool,
    ) -> Result<ChannelId, StoreError> {
        self.inner.create_channel(by, name, private).await
    }

    async fn join_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        self.inner.join_channel(user, channel).await
    }

    async fn leave_channel(&self, user: UserId, channel: ChannelId) -> Result<bool, StoreError> {
        self.inner.leave_channel(user, channel).await
    }

    async fn hide_conversation(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<bool, StoreError> {
        self.inner.hide_conversation(user, channel).await
    }

    async fn directory(
        &self,
        user: UserId,
        query: &str,
        limit: u32,
    ) -> Result<Vec<DirectoryEntry>, StoreError> {
        self.inner.directory(user, query, limit).await
    }

    async fn open_direct(&self, a: UserId, b: UserId) -> Result<(ChannelId, bool), StoreError> {
        self.inner.open_direct(a, b).await
    }

    async fn mark_read(
        &self,
        user: UserId,
        channel: ChannelId,
        seq: Seq,
    ) -> Result<Option<Seq>, StoreError> {
        self.inner.mark_read(user, channel, seq).await
    }

    async fn set_notify(
        &self,
        user: UserId,
        channel: ChannelId,
        notify: app::protocol::NotifyLevel,
    ) -> Result<bool, StoreError> {
        self.inner.set_notify(user, channel, notify).await
    }

    async fn member_count(&self, channel: ChannelId) -> Result<u32, StoreError> {
        self.inner.member_count(channel).await
    }
}

#[async_trait::async_trait]
impl PresenceStore for SlowHistory {
    async fn heartbeat(&self, node: &str) -> Result<(), StoreError> {
        self.inner.heartbeat(node).await
    }

    async fn presence_join(
        &self,
        user: UserId,
        node: &str,
    ) -> Result<Option<PresenceChange>, StoreError> {
        self.inner.presence_join(user, node).await
    }

    async fn presence_leave(
        &self,
        user: UserId,
        node: &str,
    ) -> Result<Option<PresenceChange>, StoreError> {
        self.inner.presence_leave(user, node).await
    }

    async fn reap_nodes(&self, stale: i64, keep: &str) -> Result<Vec<PresenceChange>, StoreError> {
        self.inner.reap_nodes(stale, keep).await
    }

    async fn remove_node(&self, node: &str) -> Result<Vec<PresenceChange>, StoreError> {
        self.inner.remove_node(node).await
    }

    async fn visible_presence(
        &self,
        viewer: UserId,
        users: &[UserId],
    ) -> Result<Vec<(UserId, bool)>, StoreError> {
        self.inner.visible_presence(viewer, users).await
    }

    async fn channel_members(
        &self,
        channel: ChannelId,
        limit: u32,
    ) -> Result<MemberPage, StoreError> {
        self.inner.channel_members(channel, limit).await
    }
}

#[async_trait::async_trait]
impl PushStore for SlowHistory {
    async fn save_subscription(&self, new: &NewSubscription) -> Result<(), StoreError> {
        self.inner.save_subscription(new).await
    }

    async fn any_subscriptions(&self) -> Result<bool, StoreError> {
        self.inner.any_subscriptions().await
    }

    async fn forget_subscription(&self, id: i64) -> Result<(), StoreError> {
        self.inner.forget_subscription(id).await
    }

    async fn push_targets(&self, messages: &[MessageId]) -> Result<Vec<PushTarget>, StoreError> {
        self.inner.push_targets(messages).await
    }
}

#[async_trait::async_trait]
impl SearchStore for SlowHistory {
    async fn search(&self, search: &Search, within: Duration) -> Result<Found, StoreError> {
        self.inner.search(search, within).await
    }

    async fn index_backlog(&self) -> Result<u64, StoreError> {
        self.inner.index_backlog().await
    }

    async fn reindex(&self) -> Result<(), StoreError> {
        self.inner.reindex().await
    }
}

#[async_trait::async_trait]
impl SessionListStore for SlowHistory {
    async fn list_session(
        &self,
        user: UserId,
        session: &str,
        agent: &str,
        address: &str,
    ) -> Result<(), StoreError> {
        self.inner.list_session(user, session, agent, address).await
    }

    async fn seen_session(&self, session: &str, address: &str) -> Result<(), StoreError> {
        self.inner.seen_session(session, address).await
    }

    async fn sessions_of(&self, user: UserId) -> Result<Vec<ListedSession>, StoreError> {
        self.inner.sessions_of(user).await
    }

    async fn listed_session(&self, user: UserId, id: i64) -> Result<Option<String>, StoreError> {
        self.inner.listed_session(user, id).await
    }

    async fn forget_session(&self, session: &str) -> Result<(), StoreError> {
        self.inner.forget_session(session).await
    }

    async fn forget_ended_sessions(&self) -> Result<u64, StoreError> {
        self.inner.forget_ended_sessions().await
    }
}

#[async_trait::async_trait]
impl AccountStore for SlowHistory {
    async fn session_user(
        &self,
        user: UserId,
        epoch: i64,
        session: &str,
    ) -> Result<Option<SessionUser>, StoreError> {
        self.inner.session_user(user, epoch, session).await
    }

    async fn password_of(&self, user: UserId) -> Result<Option<PasswordHash>, StoreError> {
        self.inner.password_of(user).await
    }

    async fn sign_out(&self, out: &SignOut<'_>) -> Result<Option<i64>, StoreError> {
        self.inner.sign_out(out).await
    }

    async fn reactivate(&self, user: UserId, audit: Audit) -> Result<bool, StoreError> {
        self.inner.reactivate(user, audit).await
    }

    async fn set_admin(&self, user: UserId, admin: bool, audit: Audit) -> Result<bool, StoreError> {
        self.inner.set_admin(user, admin, audit).await
    }

    async fn is_admin(&self, user: UserId) -> Result<bool, StoreError> {
        self.inner.is_admin(user).await
    }

    async fn account(&self, username: &str) -> Result<Option<Account>, StoreError> {
        self.inner.account(username).await
    }

    async fn accounts(&self, prefix: &str, limit: u32) -> Result<Vec<Account>, StoreError> {
        self.inner.accounts(prefix, limit).await
    }

    async fn any_account(&self) -> Result<bool, StoreError> {
        self.inner.any_account().await
    }

    async fn sign_outs_after(&self, after: i64) -> Result<Vec<(i64, UserId)>, StoreError> {
        self.inner.sign_outs_after(after).await
    }

    async fn last_sign_out(&self) -> Result<i64, StoreError> {
        self.inner.last_sign_out().await
    }
}

#[async_trait::async_trait]
impl AuditStore for SlowHistory {
    async fn record(&self, audit: Audit, target: UserId) -> Result<(), StoreError> {
        self.inner.record(audit, target).await
    }

    async fn audit_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditRow>, StoreError> {
        self.inner.audit_log(before, limit).await
    }
}

#[async_trait::async_trait]
impl ModerationStore for SlowHistory {
    async fn standing(
        &self,
        user: UserId,
        channel: ChannelId,
    ) -> Result<Option<Standing>, StoreError> {
        self.inner.standing(user, channel).await
    }

    async fn banned(&self, channel: ChannelId, limit: u32) -> Result<Vec<User>, StoreError> {
        self.inner.banned(channel, limit).await
    }

    async fn moderate(&self, asked: Moderation) -> Result<Moderated, StoreError> {
        self.inner.moderate(asked).await
    }
}

#[async_trait::async_trait]
impl ChannelSettingsStore for SlowHistory {
    async fn configure(
        &self,
        by: UserId,
        channel: ChannelId,
        setting: Setting,
    ) -> Result<Configured, StoreError> {
        self.inner.configure(by, channel, setting).await
    }

    async fn invite(
        &self,
        by: UserId,
        channel: ChannelId,
        users: &[UserId],
    ) -> Result<Invited, StoreError> {
        self.inner.invite(by, channel, users).await
    }
}

#[async_trait::async_trait]
impl DeletionStore for SlowHistory {
    async fn delete_account(&self, user: UserId) -> Result<Option<Vec<ChannelId>>, StoreError> {
        self.inner.delete_account(user).await
    }
}

#[async_trait::async_trait]
impl GroupStore for SlowHistory {
    async fn open_group(
        &self,
        by: UserId,
        others: &[UserId],
    ) -> Result<(ChannelId, bool), StoreError> {
        self.inner.open_group(by, others).await
    }

    async fn name_group(
        &self,
        by: UserId,
        channel: ChannelId,
        name: &GroupName,
    ) -> Result<Configured, StoreError> {
        self.inner.name_group(by, channel, name).await
    }

    async fn group_kind(&self, channel: ChannelId) -> Result<Option<ChannelKind>, StoreError> {
        self.inner.group_kind(channel).await
    }
}

#[async_trait::async_trait]
impl BlockStore for SlowHistory {
    async fn block(&self, by: UserId, username: &str) -> Result<Option<User>, StoreError> {
        self.inner.block(by, username).await
    }

    async fn unblock(&self, by: UserId, user: UserId) -> Result<bool, StoreError> {
        self.inner.unblock(by, user).await
    }

    async fn blocked_by(&self, user: UserId) -> Result<Vec<User>, StoreError> {
        self.inner.blocked_by(user).await
    }

    async fn blocking(
        &self,
        user: UserId,
        others: &[UserId],
    ) -> Result<Option<Blocking>, StoreError> {
        self.inner.blocking(user, others).await
    }
}

#[async_trait::async_trait]
impl FileStore for SlowHistory {
    async fn add_file(
        &self,
        file: &NewFile,
        put: BoxFuture<'_, std::io::Result<()>>,
    ) -> Result<Attachment, StoreError> {
        self.inner.add_file(file, put).await
    }

    async fn uploaded_bytes(&self, user: UserId) -> Result<u64, StoreError> {
        self.inner.uploaded_bytes(user).await
    }

    async fn file_for(&self, id: FileId, viewer: UserId) -> Result<Option<StoredFile>, StoreError> {
        self.inner.file_for(id, viewer).await
    }

    async fn expire_pending(&self, before: i64) -> Result<u64, StoreError> {
        self.inner.expire_pending(before).await
    }

    async fn orphan_blobs(&self, limit: u32) -> Result<Vec<BlobHash>, StoreError> {
        self.inner.orphan_blobs(limit).await
    }

    async fn collect_blob(
        &self,
        hash: &BlobHash,
        delete: BoxFuture<'_, std::io::Result<()>>,
    ) -> Result<bool, StoreError> {
        self.inner.collect_blob(hash, delete).await
    }
}

#[async_trait::async_trait]
impl Store for SlowHistory {
    async fn ping(&self) -> Result<(), StoreError> {
        self.inner.ping().await
    }

    fn pool(&self) -> server::store::db::PoolState {
        self.inner.pool()
    }

    async fn node_count(&self) -> Result<u64, StoreError> {
        self.inner.node_count().await
    }
}

#[tokio::test]
async fn a_slow_request_never_stops_the_connection_draining_the_hub() {
    let waiting = Arc::new(Notify::new());
    let gate = Arc::new(Semaphore::new(0));
    let server = TestServer::start_with_store({
        let (waiting, gate) = (waiting.clone(), gate.clone());
        move |inner| {
            Arc::new(SlowHistory {
                inner,
                waiting,
                gate,
            })
        }
    })
    .await;
    let alice = Browser::new(&server.base());
    alice.sign_up("alice", PASSWORD).await.unwrap();
    let mut reader = Live::connect(&alice).await;
    let mut writers = Vec::new();
    for name in WRITERS {
        let browser = Browser::new(&server.base());
        browser.sign_up(name, PASSWORD).await.unwrap();
        writers.push(Live::connect(&browser).await);
    }

    // Alice asks for history, which hangs in the store, then for a pong.
    let history = ClientMsg::History {
        req: 901,
        channel: ChannelId::GENERAL,
        page: PageAt::Latest,
        limit: 10,
    };
    reader
        .send_raw(&serde_json::to_string(&history).unwrap())
        .await;
    reader
        .send_raw(&serde_json::to_string(&ClientMsg::Ping { req: 902 }).unwrap())
        .await;
    waiting.notified().await;

    // More messages than a connection's queue holds arrive meanwhile (from
    // three writers at once, so that they share commits): a connection that
    // stopped draining would be closed as lagging.
    let each = QUEUE_FRAMES / WRITERS.len() + 20;
    let sent: Vec<String> = futures::future::join_all(writers.iter_mut().zip(WRITERS).map(
        |(writer, name)| async move {
            let mut texts = Vec::new();
            for n in 0..each {
                texts.push(
                    writer
                        .say(ChannelId::GENERAL, &format!("{name} 日本語 {n}"))
                        .await
                        .text,
                );
            }
            texts
        },
    ))
    .await
    .concat();
    let mut heard = Vec::new();
    while heard.len() < sent.len() {
        match reader.event().await {
            ServerMsg::Message { message } => heard.push(message.text),
            ServerMsg::Ok { req, .. } => panic!("reply {req} came before the history"),
            _ => {}
        }
    }
    heard.sort();
    let mut sent = sent;
    sent.sort();
    assert_eq!(heard, sent);

    // Let the history through: both replies come, in the order asked.
    gate.add_permits(1);
    let mut replies = Vec::new();
    while replies.len() < 2 {
        if let ServerMsg::Ok { req, reply } = reader.event().await {
            replies.push((req, reply));
        }
    }
    assert!(matches!(replies[0], (901, Reply::History { .. })));
    assert!(matches!(replies[1], (902, Reply::Pong)));
}

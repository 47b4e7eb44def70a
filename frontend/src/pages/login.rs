//! Sign-in. Online once; afterwards the app opens offline for this user until the session
//! ends. A session that ended keeps every unsynced change: signing in again resumes it.

use leptos::prelude::*;

use crate::{
    context::use_app,
    errors,
    labels::{Tr, use_tr},
    session::{self, SignInError},
};

/// The sign-in form; `username` pre-filled when a session ended.
#[component]
pub fn LoginPage(#[prop(optional, into)] username: Option<String>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let (user, set_user) = signal(username.clone().unwrap_or_default());
    let (password, set_password) = signal(String::new());
    let (error, set_error) = signal(None::<SignInError>);
    let (busy, set_busy) = signal(false);
    let resuming = username.is_some();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        set_busy.set(true);
        set_error.set(None);
        let username = user.get_untracked();
        let pw = password.get_untracked();
        leptos::task::spawn_local(async move {
            if let Err(e) = session::sign_in(app, &username, pw).await {
                set_error.set(Some(e));
            }
            set_busy.set(false);
        });
    };

    view! {
        <section class="login-page" data-testid="page-login">
            <form class="login-card" on:submit=submit novalidate>
                <img src="/icons/icon.svg" alt="" width="56" height="56"/>
                <h1>{move || tr.t("登录投诉处理系统", "登入投訴處理系統", "Sign in to Tousu")}</h1>
                {resuming.then(|| view! {
                    <p class="notice" role="status" data-testid="session-ended">
                        {move || tr.t(
                            "会话已结束，请重新登录。未同步的记录仍保存在本机。",
                            "工作階段已結束，請重新登入。未同步的記錄仍保存在本機。",
                            "Your session ended. Sign in again; unsynced work is kept on this device.",
                        )}
                    </p>
                })}
                <Show when=move || error.get().is_some()>
                    <p class="error-summary" role="alert" data-testid="login-error">
                        {move || error.get().map(|e| sign_in_error(tr, &e))}
                    </p>
                </Show>
                <div class="field">
                    <label for="login-user">{move || tr.t("用户名", "使用者名稱", "User name")}</label>
                    <input
                        id="login-user"
                        data-testid="login-username"
                        autocomplete="username"
                        autocapitalize="off"
                        prop:value=user
                        on:input=move |ev| set_user.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="login-password">{move || tr.t("密码", "密碼", "Password")}</label>
                    <input
                        id="login-password"
                        type="password"
                        data-testid="login-password"
                        autocomplete="current-password"
                        prop:value=password
                        on:input=move |ev| set_password.set(event_target_value(&ev))
                    />
                </div>
                <button class="btn btn-primary btn-block" type="submit" data-testid="login-submit" disabled=busy>
                    {move || if busy.get() {
                        tr.t("正在登录…", "正在登入…", "Signing in…")
                    } else {
                        tr.t("登录", "登入", "Sign in")
                    }}
                </button>
            </form>
        </section>
    }
}

/// Why signing in failed, in words.
fn sign_in_error(tr: Tr, e: &SignInError) -> String {
    match e {
        SignInError::Missing => tr
            .t(
                "请输入用户名和密码",
                "請輸入使用者名稱和密碼",
                "Enter your user name and password",
            )
            .into(),
        SignInError::WrongCredentials => tr
            .t(
                "用户名或密码不正确",
                "使用者名稱或密碼不正確",
                "Wrong user name or password",
            )
            .into(),
        SignInError::TooMany => tr
            .t(
                "尝试次数过多，请15分钟后再试",
                "嘗試次數過多，請15分鐘後再試",
                "Too many attempts: try again in 15 minutes",
            )
            .into(),
        SignInError::Unreachable => tr
            .t(
                "无法连接服务器。首次登录需要网络。",
                "無法連線伺服器。首次登入需要網路。",
                "Cannot reach the server. The first sign-in needs a connection.",
            )
            .into(),
        SignInError::Server(e) => errors::api(tr, e),
        SignInError::Storage(e) => errors::store(tr, e).into(),
    }
}

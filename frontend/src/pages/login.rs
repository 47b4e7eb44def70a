//! Sign-in. Online once; afterwards the app opens offline for this user until the session
//! ends. A session that ended keeps every unsynced change: signing in again resumes it.

use leptos::prelude::*;

use tousu_shared::api::admin::{MIN_PASSWORD_CHARS, PasswordProblem, password_problem};

use crate::{
    api::ApiError,
    context::use_app,
    errors,
    labels::{Tr, use_tr},
    session::{self, PasswordDue, SignInError, SignedIn},
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
    // Signed in with a one-time password: the new-password form replaces this one.
    let due = RwSignal::new(None::<(PasswordDue, String)>);

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
            match session::sign_in(app, &username, pw.clone()).await {
                Ok(SignedIn::Done) => {}
                Ok(SignedIn::PasswordDue(pending)) => due.set(Some((*pending, pw))),
                Err(e) => set_error.set(Some(e)),
            }
            set_busy.set(false);
        });
    };

    view! {
        <section class="login-page" data-testid="page-login">
            <Show when=move || due.with(Option::is_some)>
                <NewPassword due=due/>
            </Show>
            <Show when=move || due.with(Option::is_none)>
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
            </Show>
        </section>
    }
}

/// After a one-time password: the new password, typed twice. Nothing of the account is
/// kept on the device until the server has taken it.
#[component]
fn NewPassword(due: RwSignal<Option<(PasswordDue, String)>>) -> impl IntoView {
    let app = use_app();
    let tr = use_tr();
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((pending, current)) = due.get_untracked() else {
            return;
        };
        let (new_pw, again_pw) = (new.get_untracked(), again.get_untracked());
        let problem = match password_problem(&current, &new_pw) {
            Some(PasswordProblem::TooShort) => Some(too_short(tr)),
            Some(PasswordProblem::Unchanged) => Some(unchanged(tr)),
            None if new_pw != again_pw => Some(
                tr.t(
                    "两次输入的新密码不一致。",
                    "兩次輸入的新密碼不一致。",
                    "The two new passwords differ.",
                )
                .to_string(),
            ),
            None => None,
        };
        if problem.is_some() {
            error.set(problem);
            return;
        }
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            if let Err(e) = session::choose_password(app, pending, current, new_pw).await {
                error.set(Some(password_error(tr, &e)));
            }
            busy.set(false);
        });
    };
    view! {
        <form class="login-card" on:submit=submit novalidate data-testid="new-password">
            <img src="/icons/icon.svg" alt="" width="56" height="56"/>
            <h1>{move || tr.t("设置新密码", "設定新密碼", "Choose a new password")}</h1>
            <p class="hint" id="new-password-hint">{move || tr.t(
                "您用一次性密码登录。请设置自己的密码（至少 10 个字符），之后用它登录。",
                "您用一次性密碼登入。請設定自己的密碼（至少 10 個字元），之後用它登入。",
                "You signed in with a one-time password. Choose your own (at least 10 characters) and sign in with it from now on.",
            )}</p>
            <Show when=move || error.with(Option::is_some)>
                <p class="error-summary" role="alert" data-testid="new-password-error">{move || error.get()}</p>
            </Show>
            <div class="field">
                <label for="new-password-1">{move || tr.t("新密码", "新密碼", "New password")}</label>
                <input id="new-password-1" type="password" data-testid="new-password-1"
                    autocomplete="new-password" aria-describedby="new-password-hint"
                    minlength=MIN_PASSWORD_CHARS.to_string()
                    prop:value=new on:input=move |ev| new.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="new-password-2">{move || tr.t("再次输入新密码", "再次輸入新密碼", "New password again")}</label>
                <input id="new-password-2" type="password" data-testid="new-password-2"
                    autocomplete="new-password"
                    prop:value=again on:input=move |ev| again.set(event_target_value(&ev))/>
            </div>
            <button class="btn btn-primary btn-block" type="submit" data-testid="new-password-submit" disabled=busy>
                {move || tr.t("保存并登录", "儲存並登入", "Save and sign in")}
            </button>
            <button class="btn btn-ghost btn-block" type="button" data-testid="new-password-back"
                on:click=move |_| due.set(None)>
                {move || tr.t("返回登录", "返回登入", "Back to sign-in")}
            </button>
        </form>
    }
}

fn too_short(tr: Tr) -> String {
    tr.t(
        "新密码至少要 10 个字符。",
        "新密碼至少要 10 個字元。",
        "The new password needs at least 10 characters.",
    )
    .into()
}

fn unchanged(tr: Tr) -> String {
    tr.t(
        "新密码不能与一次性密码相同。",
        "新密碼不能與一次性密碼相同。",
        "The new password cannot be the one-time password.",
    )
    .into()
}

/// Why the new password was not taken, in words.
fn password_error(tr: Tr, e: &SignInError) -> String {
    match e {
        SignInError::Server(ApiError::Refused { body, .. }) => match body.code.as_str() {
            "password_too_short" => too_short(tr),
            "password_unchanged" => unchanged(tr),
            _ => sign_in_error(tr, e),
        },
        SignInError::Server(ApiError::Unauthorized) => tr
            .t(
                "一次性密码已失效，请重新登录。",
                "一次性密碼已失效，請重新登入。",
                "The one-time password is no longer valid: sign in again.",
            )
            .into(),
        other => sign_in_error(tr, other),
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

"""The officer's guide, per LAO type: what each role does and each step of each service, Thai with English.

Each step may name a picture: a screenshot the browser journeys take (`make screenshots` saves the checks named in
PICTURES, shrunk, under platform/static/guide/), so the pictures stay current. A step whose picture is missing is
shown as text.
"""
from __future__ import annotations

import copy

PAO = "provincial_admin_org"


def _step(th: str, en: str, picture: str = "") -> dict:
    return {"th": th, "en": en, "picture": f"{picture}.png" if picture else ""}


ROLES = [  # (role, Thai, English)
    ("clerk", "ผู้รับผิดชอบ (เจ้าหน้าที่งานรายได้): ตรวจคำขอจดทะเบียนและแบบรายการ ให้ความเห็นคำขออนุญาตโฆษณา "
              "ติดตามผู้ที่ยังไม่ยื่นแบบ และยืนยันการปลดป้ายเมื่อใบอนุญาตหมดอายุ",
     "Clerk: decides business registrations, reviews returns, gives the officer's opinion on advertising "
     "applications, follows up who has not filed, and confirms notices were removed."),
    ("finance", "เจ้าหน้าที่การเงิน (กองคลัง): รับชำระที่เคาน์เตอร์ ออกและยกเลิกใบเสร็จ นำเข้าไฟล์รายการเดินบัญชีธนาคาร "
                "ดูแลรายการผิดปกติ คืนเงิน และลงนามรายงานสรุปการรับเงินประจำวัน",
     "Finance officer: takes payments at the counter, issues and voids receipts, loads the bank's statement files, "
     "deals with exceptions and refunds, and signs off the daily summary of money received."),
    ("approver", "ผู้อนุมัติ (เจ้าพนักงานท้องถิ่นหรือผู้ได้รับมอบหมาย): ลงนามคำสั่งอนุญาตหรือไม่อนุญาต "
                 "และประเมินภาษีเมื่อแบบรายการไม่ถูกต้อง",
     "Approver (the local official or a delegate): signs orders that approve or refuse, and assesses another tax "
     "when a return is wrong."),
    ("lao_admin", "ผู้ดูแลระบบของ อปท.: เชิญเจ้าหน้าที่ กำหนดบทบาท ตั้งค่าการรับชำระ ข้อบัญญัติ และเงื่อนไขการโฆษณา",
     "LAO administrator: invites officers, grants and revokes roles, sets the payment settings, the ordinance "
     "rates or the advertising conditions."),
    ("observer", "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด (สถจ.): อ่านอย่างเดียว ดูงานที่ค้างและบันทึกการใช้งาน "
                 "ของ อปท. ในจังหวัด โดยไม่แก้ไขสิ่งใด",
     "Provincial office (read-only): sees what waits and the audit trail of the province's LAOs, and changes "
     "nothing."),
]

COMMON_START = [
    {"id": "home", "th": "หน้าหลักของเจ้าหน้าที่", "en": "The officer home", "steps": [
        _step("เข้าสู่ระบบด้วย ThaID (DOPA Digital ID) หรือชื่อผู้ใช้ รหัสผ่าน และรหัส 6 หลักจากแอปยืนยันตัวตน "
              "ระบบจะพามาที่หน้าหลักของเจ้าหน้าที่", "Sign in with DOPA Digital ID, or with your username, password "
              "and the 6-digit code of your authenticator app: you land on the officer home.", "officer-home"),
        _step("แต่ละกล่องคืองานที่บทบาทของท่านทำได้ พร้อมจำนวน วันที่ของรายการที่รอนานที่สุด และลิงก์ไปยังรายการ "
              "กด \"เปิดรายการที่รอนานที่สุด\" เพื่อทำงานต่อทันที",
              "Each panel is a queue your roles act on: how many wait, since when the oldest waits, and a link. "
              "“Open the oldest” takes you straight to it."),
        _step("เมนูด้านบนแสดงเฉพาะหน้าที่บทบาทของท่านเปิดได้ บนโทรศัพท์แตะชื่อหมวดเพื่อเปิดเมนู "
              "ทุกหน้ามีเส้นทาง (breadcrumbs) กลับมาหน้าหลัก และลิงก์มายังคู่มือนี้",
              "The menu at the top lists only the pages your roles open; on a phone, tap a group to open it. Every "
              "officer page has a trail back to the home and a link to this guide.", "officer-home-phone"),
    ]},
]

COMMON_END = [
    {"id": "counter", "th": "รับชำระที่เคาน์เตอร์", "en": "Payments at the counter", "steps": [
        _step("เปิด \"รับชำระที่เคาน์เตอร์\" ค้นหาใบแจ้งหนี้ที่ผู้ชำระนำมา ยอดที่แสดงคือยอดที่ต้องชำระวันนี้ "
              "(รวมเงินเพิ่มถึงวันนี้)", "Open “Payments at the counter” and find the payer's invoice: the amount "
              "shown is what is due today, the surcharge to date included.", "counter"),
        _step("เลือกวิธีชำระ (เงินสด เช็ค โอน) ใส่เลขอ้างอิง แล้วกด \"รับชำระแล้ว\" ระบบออกใบเสร็จทันที",
              "Choose how it was paid (cash, cheque, transfer), give a reference and press Paid: the receipt is "
              "issued at once.", "counter-confirm"),
        _step("ใบเสร็จมีเลขที่เล่ม/เลขที่ตามปีงบประมาณ ยอดเงินเป็นตัวอักษร และ QR สำหรับตรวจสอบ "
              "ใบเสร็จที่ผิดให้ยกเลิกพร้อมเหตุผล ระบบออกใบใหม่ให้ เลขเดิมไม่ถูกใช้ซ้ำ",
              "A receipt carries its book/number of the fiscal year, the amount in Thai words and a QR to check it. "
              "A wrong receipt is voided with a reason and a new one issued; a number is never reused.",
              "receipts"),
    ]},
    {"id": "statements", "th": "ไฟล์รายการเดินบัญชีจากธนาคาร", "en": "Bank statement files", "steps": [
        _step("นำเข้าไฟล์รายการรับชำระของธนาคาร (รูปแบบ 256 ตัวอักษร) ระบบจับคู่ด้วย Ref1/Ref2 บันทึกการชำระ "
              "และออกใบเสร็จ ไฟล์เดิมซ้ำจะไม่ถูกบันทึกสองครั้ง", "Load the bank's statement file (the 256-character "
              "layout): lines are matched by Ref1/Ref2, posted and receipted; the same file twice changes nothing.",
              "english-billing-statements"),
    ]},
    {"id": "exceptions", "th": "รายการผิดปกติ เงินชำระเกิน และการคืนเงิน", "en": "Exceptions, credits and refunds",
     "steps": [
         _step("รายการที่ยอดไม่ตรง ชำระเกิน ชำระหลังปิดยอด หรือธนาคารเรียกคืน แสดงที่หน้า \"รายการผิดปกติ\" "
               "หน้าหลักนับรายการใน 30 วันล่าสุด", "Payments of another amount than was due, paid after settlement "
               "or reversed by the bank are listed on the exceptions page; the home counts the last 30 days.",
               "english-billing-exceptions"),
         _step("เงินชำระเกินคืนได้ (สร้างรายการคืนเงิน แล้วส่งให้ธนาคาร) หรือหักกลบกับหนี้รายการถัดไปของผู้ชำระรายเดิม",
               "A credit is refunded (a refund is created, then sent to the bank) or set off against the same "
               "payer's next bill."),
     ]},
    {"id": "registers", "th": "ทะเบียนและรายงานการเงิน", "en": "Finance registers", "steps": [
        _step("รายงานสรุปการรับเงินประจำวัน ทะเบียนใบเสร็จรับเงิน และทะเบียนลูกหนี้ พิมพ์เป็น PDF และส่งออกได้ "
              "ข้อมูลสำหรับระบบ e-LAAS ส่งออกเป็น CSV", "The daily summary of money received, the receipt register "
              "and the receivables print as PDFs and export; receipts export as CSV for e-LAAS."),
    ]},
    {"id": "money", "th": "ภาพรวมการเงิน", "en": "Money at a glance", "steps": [
        _step("ยอดรับวันนี้ เดือนนี้ และปีงบประมาณนี้ แยกตามรายได้และช่องทาง เทียบกับปีก่อน พร้อมกราฟและตาราง",
              "Collections today, this month and this fiscal year by revenue and channel, against last year, with "
              "charts and their tables."),
    ]},
    {"id": "officers", "th": "เจ้าหน้าที่และบันทึกการใช้งาน", "en": "Officers and the audit trail", "steps": [
        _step("ผู้ดูแลระบบเชิญเจ้าหน้าที่ทางอีเมล เลือกบทบาท ผู้ได้รับเชิญตอบรับด้วย ThaID หรือสร้างบัญชีพร้อมแอปยืนยันตัวตน",
              "The administrator invites an officer by e-mail with their roles; the invitee accepts with DOPA "
              "Digital ID, or creates an account with an authenticator app.", "officers"),
        _step("ทุกการเข้าสู่ระบบ การเปลี่ยนบทบาท และการดำเนินการสำคัญ ถูกบันทึกไว้ แก้ไขหรือลบไม่ได้",
              "Every sign-in, role change and important action is recorded; nobody can edit or delete it.",
              "audit-trail"),
    ]},
    {"id": "account", "th": "บัญชีของฉัน", "en": "My account", "steps": [
        _step("\"บัญชีของฉัน\" แสดงบทบาทของท่านใน อปท. นี้ และสถานะแอปยืนยันตัวตน หากยังไม่มี กดตั้งค่า สแกน QR "
              "แล้วใส่รหัส 6 หลัก", "“My account” shows your roles in this LAO and your authenticator app; without "
              "one, set it up: scan the QR code and enter the 6 digits.", "officer-account"),
    ]},
]

PAO_SERVICES = [
    {"id": "registrations", "th": "การจดทะเบียนกิจการ", "en": "Business registrations", "steps": [
        _step("ผู้ประกอบการลงทะเบียนโรงแรม (อบจ.รร.1) สถานการค้าน้ำมัน หรือผู้ค้ายาสูบ ด้วย ThaID",
              "The owner registers the hotel (อบจ.รร.1), fuel trading place or tobacco trader, signed in with DOPA "
              "Digital ID.", "register-hotel"),
        _step("ผู้รับผิดชอบเปิด \"คำขอจดทะเบียน\" ตรวจข้อมูล แล้วอนุมัติหรือไม่อนุมัติพร้อมเหตุผล",
              "The clerk opens the registrations to decide, checks them, and approves or refuses with a reason.",
              "officer-registrations"),
    ]},
    {"id": "returns", "th": "แบบรายการรายเดือน", "en": "Monthly returns", "steps": [
        _step("ผู้ประกอบการยื่นแบบรายเดือน (ยอดรวม หรือรายชื่อผู้พัก อบจ.รร.6) เห็นยอดที่ต้องชำระ กำหนดเวลา "
              "และเงินเพิ่มก่อนยื่น", "The business files the month's return (totals, or the guest list อบจ.รร.6) "
              "and sees the amount, the deadline and any surcharge before submitting.", "hotel-return-preview"),
        _step("ผู้รับผิดชอบเปิด \"แบบรายการรอตรวจ\" รายการเก่าที่สุดอยู่บนสุด รับแบบ หรือส่งกลับพร้อมเหตุผล",
              "The clerk opens the returns to review, oldest first, and accepts or sends back with a reason.",
              "officer-returns-queue"),
        _step("ผู้อนุมัติประเมินภาษีใหม่ได้เมื่อแบบไม่ถูกต้อง ผู้ชำระจะถูกเรียกเก็บเฉพาะส่วนต่างจากที่ชำระแล้ว",
              "An approver may assess another tax; the payer is asked only for the difference from what was paid.",
              "review"),
    ]},
    {"id": "overdue", "th": "ผู้ที่ยังไม่ยื่นแบบ", "en": "Businesses that have not filed", "steps": [
        _step("หลังพ้นกำหนดยื่นแบบ (เช่น วันที่ 10 หรือ 20 ของเดือนถัดไป) รายชื่อกิจการที่ยังไม่ยื่นแสดงที่หน้านี้ "
              "หน้าหลักแสดงกำหนดของเดือนนี้และจำนวนที่ยังไม่ยื่น", "Once a filing deadline (day 10 or 20 of the "
              "following month) has passed, the businesses that have not filed are listed here; the home shows this "
              "month's deadline and how many have not filed.", "officer-overdue"),
    ]},
    {"id": "settings", "th": "อัตราตามข้อบัญญัติและการตั้งค่า", "en": "Ordinance rates and settings", "steps": [
        _step("บันทึกอัตราตามข้อบัญญัติและกำหนดการยื่นแบบตามวันที่มีผล ประวัติเดิมถูกเก็บไว้",
              "Record the ordinance rates and filing rules by their effective date; the history is kept.",
              "officer-ordinances"),
    ]},
]

MUNICIPAL_SERVICES = [
    {"id": "advertising", "th": "การอนุญาตโฆษณาด้วยการปิด ทิ้ง หรือโปรยแผ่นประกาศ",
     "en": "Permits to advertise by posting, dropping or scattering notices", "steps": [
         _step("ผู้ขอยื่นคำขอออนไลน์ด้วย ThaID: วิธีการ ข้อความโดยย่อ ขนาด จำนวน สถานที่ ระยะเวลา และเอกสาร",
               "The applicant applies online with DOPA Digital ID: method, gist, size, number, places, period and "
               "documents.", "advertising-form"),
         _step("ผู้รับผิดชอบเปิดคำขอใหม่ ให้ความเห็นของเจ้าหน้าที่ หรือขอข้อมูลเพิ่มเติม "
               "หน้าหลักเตือนคำขอที่ใกล้หรือเลยกำหนดพิจารณา", "The clerk opens a new application and gives the "
               "officer's opinion, or asks for more information; the home flags decision deadlines near or missed.",
               "advertising-officer-review"),
         _step("ผู้อนุมัติลงนามคำสั่งอนุญาต (พร้อมเงื่อนไข) หรือไม่อนุญาต (พร้อมเหตุผล)",
               "The approver signs the order: approve with conditions, or refuse with reasons.", "advertising-order"),
         _step("เจ้าหน้าที่การเงินรับค่าธรรมเนียมที่เคาน์เตอร์ ระบบออกใบอนุญาตพร้อมเลขที่และ QR ตรวจสอบ",
               "The finance officer takes the fee at the counter; the numbered permit is issued with its QR.",
               "advertising-permit-issued"),
         _step("เมื่อใบอนุญาตหมดอายุ ผู้รับผิดชอบยืนยันการปลดป้าย หรือเพิกถอนใบอนุญาตพร้อมเหตุผล",
               "When a permit ends, the clerk confirms the notices were removed; a permit can be revoked with "
               "reasons.", "advertising-revoked"),
     ]},
    {"id": "settings", "th": "เงื่อนไขการโฆษณาและการตั้งค่า", "en": "Advertising conditions and settings", "steps": [
        _step("ผู้ดูแลระบบกำหนดค่าธรรมเนียม (ไม่เกิน 200 บาท) ขนาด ระยะเวลา จำนวน สถานที่ห้าม และกำหนดพิจารณา",
              "The administrator sets the fee (at most 200 baht), sizes, periods, numbers, banned places and the "
              "decision deadline."),
    ]},
]

PICTURES = sorted({step["picture"][:-4] for section in COMMON_START + COMMON_END + PAO_SERVICES + MUNICIPAL_SERVICES
                   for step in section["steps"] if step["picture"]})


def guide_for(lao_type: str) -> list[dict]:
    """The sections of the guide for a LAO type (a copy: the view marks which pictures exist)."""
    services = PAO_SERVICES if lao_type == PAO else MUNICIPAL_SERVICES
    return copy.deepcopy(COMMON_START + services + COMMON_END)


def roles() -> list[dict]:
    from .access import ROLE_LABELS

    return [{"label": str(ROLE_LABELS[role]), "th": th, "en": en} for role, th, en in ROLES]
